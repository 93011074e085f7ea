package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Connecting, security, producer and consumer specifics of the Kafka backend, against the test broker. */
class KafkaStreamerTest {

    private static void assertKind(StreamException.Kind kind, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StreamException.class,
                e -> assertThat(e.kind()).as(e.toString()).isEqualTo(kind));
    }

    @Test
    void theServiceLoaderFindsTheBackend() {
        assertThat(Streamer.schemes()).contains("kafka");
        try (Streamer streamer = Streamer.connect(KafkaTesting.broker().uri() + "/a,b")) {
            assertThat(streamer).isInstanceOf(KafkaStreamer.class);
            assertThat(streamer.url().keys()).containsExactly(StreamKey.of("a"), StreamKey.of("b"));
            assertThat(((KafkaStreamer) streamer).bootstrapServers()).isEqualTo(KafkaTesting.broker().bootstrap());
        }
    }

    @Test
    void noBrokerAnsweringIsAConnectErrorWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        int closedPort = port;
        ConnectOptions options = ConnectOptions.defaults().timeout(Duration.ofSeconds(1));
        assertThat(CompletableFuture.supplyAsync(() -> {
            try {
                KafkaStreamer.connect("kafka://127.0.0.1:" + closedPort + "/x", options).close();
                return null;
            } catch (StreamException e) {
                return e;
            }
        }).get(60, TimeUnit.SECONDS)).isNotNull().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(StreamException.Kind.CONNECT);
            assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort);
        });
        assertKind(StreamException.Kind.CONNECT, () -> KafkaStreamer.connect("kafka://no-such-host.invalid/x", options));
    }

    @Test
    void badUrisAndOptions() {
        assertKind(StreamException.Kind.INVALID_URI, () -> KafkaStreamer.connect("redis://localhost/x"));
        assertKind(StreamException.Kind.INVALID_URI, () -> KafkaStreamer.connect("kafka://host:port/x"));
        assertKind(StreamException.Kind.INVALID_OPTION, () -> KafkaStreamer.connect(KafkaTesting.broker().uri() + "/x",
                ConnectOptions.defaults().with("kafka.security-protocol", "CARRIER_PIGEON")));
        try (KafkaStreamer streamer = KafkaTesting.connect()) {
            assertKind(StreamException.Kind.INVALID_OPTION, () -> streamer.producer(ProducerOptions.defaults().with("kafka.acks", "most")));
            assertKind(StreamException.Kind.INVALID_OPTION, () -> streamer.consumer(List.of(StreamKey.of("x")),
                    ConsumerOptions.realTime().with("kafka.isolation.level", "sometimes")));
        }
    }

    @Test
    void saslPlainAuthenticates() throws Exception {
        KafkaBroker broker = KafkaTesting.broker();
        ConnectOptions good = ConnectOptions.defaults().timeout(Duration.ofSeconds(30))
                .with(KafkaOptions.SASL_USERNAME, KafkaBroker.SASL_USER)
                .with(KafkaOptions.SASL_PASSWORD, KafkaBroker.SASL_PASSWORD);
        roundTrip("kafka://" + broker.saslBootstrap() + "/", good);
        assertKind(StreamException.Kind.CONNECT, () -> KafkaStreamer.connect("kafka://" + broker.saslBootstrap() + "/",
                good.with(KafkaOptions.SASL_PASSWORD, "wrong")));
    }

    @Test
    void saslScramAuthenticates() throws Exception {
        KafkaBroker broker = KafkaTesting.broker();
        try (Admin admin = broker.admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "bob-secret"))).all().get(60, TimeUnit.SECONDS);
        }
        ConnectOptions scram = ConnectOptions.defaults().timeout(Duration.ofSeconds(10))
                .with("kafka.sasl-mechanism", "SCRAM-SHA-256")
                .with("kafka.sasl-username", "bob")
                .with("kafka.sasl-password", "bob-secret");
        String uri = "kafka://" + broker.saslBootstrap() + "/";
        // The new credential reaches the broker's cache shortly after the admin call returns.
        Awaitility.await().atMost(KafkaTesting.PATIENCE).ignoreExceptionsMatching(e -> e instanceof StreamException s
                        && s.kind() == StreamException.Kind.CONNECT)
                .until(() -> {
                    KafkaStreamer.connect(uri, scram).close();
                    return true;
                });
        roundTrip(uri, scram);
    }

    private static void roundTrip(String uri, ConnectOptions options) throws Exception {
        StreamKey topic = KafkaTesting.topic("sasl");
        try (KafkaStreamer streamer = KafkaStreamer.connect(uri, options)) {
            Consumer consumer = streamer.consumer(List.of(topic), ConsumerOptions.realTime().reset(StreamReset.EARLIEST));
            Producer producer = streamer.producer(topic, ProducerOptions.defaults());
            Receipt receipt = producer.send("secret hello").get(60, TimeUnit.SECONDS);
            Message m = consumer.poll(KafkaTesting.PATIENCE).orElseThrow();
            assertThat(m.asString()).isEqualTo("secret hello");
            assertThat(m.header()).isEqualTo(receipt.header());
        }
    }

    @Test
    void producerSpecifics() throws Exception {
        try (KafkaStreamer streamer = KafkaTesting.connect()) {
            StreamKey topic = KafkaTesting.topic("prod");
            streamer.createTopic(topic, 2);
            streamer.createTopic(topic, 2);
            assertThat(streamer.partitions(topic)).isEqualTo(2);
            assertKind(StreamException.Kind.STREAM_KEY_NOT_FOUND, () -> streamer.partitions(KafkaTesting.topic("missing")));

            KafkaProducer producer = streamer.producer(ProducerOptions.defaults().with("kafka.linger.ms", "20"));
            assertThat(producer.anchor()).isEmpty();
            Receipt one = producer.send(topic, ShardId.of(1), "to one".getBytes()).get(60, TimeUnit.SECONDS);
            assertThat(one.shard()).isEqualTo(ShardId.of(1));
            assertThat(one.seq().value()).isZero();
            assertThat(producer.send(topic, ShardId.of(2), "nowhere".getBytes()))
                    .failsWithin(Duration.ofSeconds(60))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(StreamException.class,
                            e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.STREAM_KEY_NOT_FOUND));
            assertKind(StreamException.Kind.INVALID_STREAM_KEY, () -> producer.send(StreamKey.of(StreamKey.INTERNAL), new byte[0]));

            // Many sends in flight, one flush: every receipt is complete afterwards, offsets in send order.
            List<CompletableFuture<Receipt>> receipts = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                receipts.add(producer.send(topic, ShardId.ZERO, ("m" + i).getBytes()));
            }
            producer.flush();
            assertThat(receipts).allMatch(CompletableFuture::isDone);
            for (int i = 0; i < 500; i++) {
                assertThat(receipts.get(i).join().seq().value()).isEqualTo(i);
            }
            KafkaProducer.from(producer).close();
            assertKind(StreamException.Kind.CLOSED, () -> producer.send(topic, "late"));
            producer.close();
            assertKind(StreamException.Kind.UNSUPPORTED, () -> KafkaProducer.from(new NotKafka()));
        }
    }

    @Test
    void aSmallBufferPausesFetchingWithoutLosingOrReordering() throws Exception {
        try (KafkaStreamer streamer = KafkaTesting.connect()) {
            StreamKey topic = KafkaTesting.topic("pause");
            KafkaProducer producer = streamer.producer(topic, ProducerOptions.defaults());
            List<CompletableFuture<Receipt>> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                sent.add(producer.send(Integer.toString(i)));
            }
            producer.flush();
            KafkaConsumer consumer = streamer.consumer(List.of(topic), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                    .with(KafkaOptions.BUFFER_SIZE, 7).with("kafka.max.poll.records", "5"));
            List<Integer> got = new ArrayList<>();
            for (Message m : SeaStreamerKafkaScenarioTest.receive(consumer, 300)) {
                got.add(Integer.parseInt(m.asString()));
            }
            assertThat(got).isEqualTo(SeaStreamerKafkaScenarioTest.range(0, 300));
            assertThat(consumer.assignment()).isEqualTo(Map.of(topic, Set.of(ShardId.ZERO)));
            consumer.close();
            assertKind(StreamException.Kind.CLOSED, consumer::next);
            assertKind(StreamException.Kind.CLOSED, consumer::assignment);
        }
    }

    @Test
    void aRealTimeConsumerFollowsNewPartitions() throws Exception {
        try (KafkaStreamer streamer = KafkaTesting.connect(); Admin admin = KafkaTesting.broker().admin()) {
            StreamKey topic = KafkaTesting.topic("grow");
            streamer.createTopic(topic, 1);
            KafkaConsumer consumer = streamer.consumer(List.of(topic), ConsumerOptions.realTime()
                    .with(KafkaOptions.PARTITION_REFRESH, Duration.ofMillis(100)));
            assertThat(consumer.assignment()).isEqualTo(Map.of(topic, Set.of(ShardId.ZERO)));
            admin.createPartitions(Map.of(topic.name(), NewPartitions.increaseTo(2))).all().get(60, TimeUnit.SECONDS);
            KafkaProducer producer = streamer.producer(topic, ProducerOptions.defaults());
            // Sent before the consumer finds the partition: it reads new partitions from their beginning.
            Awaitility.await().atMost(KafkaTesting.PATIENCE).until(() -> {
                try {
                    return producer.send(topic, ShardId.of(1), "first on 1".getBytes()).get().shard().id() == 1;
                } catch (java.util.concurrent.ExecutionException e) {
                    return false;
                }
            });
            Message m = consumer.poll(KafkaTesting.PATIENCE).orElseThrow();
            assertThat(m.asString()).isEqualTo("first on 1");
            assertThat(m.shard()).isEqualTo(ShardId.of(1));
            assertThat(consumer.assignment()).isEqualTo(Map.of(topic, Set.of(ShardId.ZERO, ShardId.of(1))));
        }
    }

    /** Another backend's producer, for {@link KafkaProducer#from}. */
    private static final class NotKafka implements Producer {
        @Override
        public CompletableFuture<Receipt> send(StreamKey key, byte[] payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Receipt> send(StreamKey key, ShardId shard, byte[] payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<StreamKey> anchor() {
            return java.util.Optional.empty();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
