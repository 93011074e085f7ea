package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.StreamUrl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class KafkaRelayTest {

    private static void assertKind(StreamException.Kind kind, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StreamException.class,
                e -> assertThat(e.kind()).as(e.toString()).isEqualTo(kind));
    }

    @Test
    void theBuilderChecksTheUrls() {
        StreamUrl a = StreamUrl.parse("kafka://h1:9092/a");
        assertKind(StreamException.Kind.UNSUPPORTED, () -> KafkaRelay.builder(a, StreamUrl.parse("kafka://h2:9092/b")).build());
        assertKind(StreamException.Kind.INVALID_URI, () -> KafkaRelay.builder(a, StreamUrl.parse("kafka://h1:9092/a")).build());
        assertKind(StreamException.Kind.INVALID_URI, () -> KafkaRelay.builder(a, StreamUrl.parse("mem:///b")).build());
        assertKind(StreamException.Kind.STREAM_KEY_EMPTY, () -> KafkaRelay.builder(StreamUrl.parse("kafka://h1:9092/"), a).build());
        assertThat(KafkaRelay.builder(a, StreamUrl.parse("kafka://h1/b")).build()).hasToString(
                "KafkaRelay[kafka://h1:9092/a -> b]");
    }

    @Test
    void anUnreachableClusterIsAConnectError() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        KafkaRelay relay = KafkaRelay.builder(StreamUrl.parse("kafka://127.0.0.1:" + port + "/a"),
                        StreamUrl.parse("kafka://127.0.0.1:" + port + "/b"))
                .connectOptions(ConnectOptions.defaults().timeout(Duration.ofSeconds(1)))
                .build();
        assertKind(StreamException.Kind.CONNECT, relay::run);
    }

    @Test
    void relaysTransformsAndStopsAtTheLimit() throws Exception {
        String base = KafkaTesting.broker().uri() + "/";
        StreamKey in = KafkaTesting.topic("relay-in");
        StreamKey out = KafkaTesting.topic("relay-out");
        try (KafkaStreamer streamer = KafkaTesting.connect()) {
            KafkaProducer producer = streamer.producer(in, ProducerOptions.defaults());
            for (int i = 0; i < 30; i++) {
                producer.send(KafkaRecord.of(in, "m" + i).withKey("k" + i).withHeader(KafkaHeader.of("i", Integer.toString(i))));
            }
            producer.flush();
            KafkaRelay relay = KafkaRelay.builder(StreamUrl.parse(base + in), StreamUrl.parse(base + out))
                    .connectOptions(ConnectOptions.defaults().timeout(Duration.ofSeconds(30)))
                    .group(KafkaTesting.group("relay"))
                    .reset(StreamReset.EARLIEST)
                    .limit(20)
                    .transform(m -> m.seq().value() % 2 == 0
                            ? List.of(m.asString().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8))
                            : List.of())
                    .build();
            assertThat(relay.run()).isEqualTo(20);
            assertThat(relay.relayed()).isEqualTo(20);

            KafkaConsumer reader = streamer.consumer(List.of(out), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                    .with("kafka.isolation.level", "read_committed"));
            List<Message> got = SeaStreamerKafkaScenarioTest.receive(reader, 10);
            assertThat(got).extracting(Message::asString).containsExactly("M0", "M2", "M4", "M6", "M8", "M10", "M12", "M14", "M16", "M18");
            KafkaMessage eight = KafkaMessage.from(got.get(4)).orElseThrow();
            assertThat(eight.recordKey()).hasValueSatisfying(k -> assertThat(new String(k, StandardCharsets.UTF_8)).isEqualTo("k8"));
            assertThat(eight.headers()).containsExactly(KafkaHeader.of("i", "8"));
            reader.close();
        }
    }

    @Test
    void closeStopsARunningRelay() throws Exception {
        String base = KafkaTesting.broker().uri() + "/";
        String group = KafkaTesting.group("idle");
        KafkaRelay relay = KafkaRelay.builder(StreamUrl.parse(base + KafkaTesting.topic("idle")),
                        StreamUrl.parse(base + KafkaTesting.topic("idle-out")))
                .connectOptions(ConnectOptions.defaults().timeout(Duration.ofSeconds(30)))
                .group(group)
                .build();
        CompletableFuture<Long> run = CompletableFuture.supplyAsync(relay::run);
        try (Admin admin = KafkaTesting.broker().admin()) {
            Awaitility.await("the relay joins its group").atMost(KafkaTesting.PATIENCE)
                    .ignoreExceptionsMatching(e -> e.getCause() instanceof GroupIdNotFoundException).until(() ->
                    admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size() == 1);
        }
        relay.close();
        assertThat(run).succeedsWithin(KafkaTesting.PATIENCE).isEqualTo(0L);
        relay.close();
        assertKind(StreamException.Kind.CLOSED, relay::run);
    }
}
