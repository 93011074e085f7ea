package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ProducerOptions;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The exactly-once relay killed (SIGKILL, in a child JVM) at random points — usually inside a
 * transaction — and started again, several times: the output topic, read with read_committed, holds
 * every input message exactly once.
 */
class KafkaRelayKillTest {

    private static final int MESSAGES = 2000;
    private static final int KILLS = 3;

    @Test
    void killingTheRelayNeitherLosesNorDuplicates() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        StreamKey input = KafkaTesting.topic("relay-in");
        StreamKey output = KafkaTesting.topic("relay-out");
        String group = KafkaTesting.group("relay");
        KafkaBroker broker = KafkaTesting.broker();
        Set<String> sent = new HashSet<>();
        try (KafkaStreamer streamer = KafkaTesting.connect(); Admin admin = broker.admin()) {
            streamer.createTopic(input, 3);
            streamer.createTopic(output, 2);
            KafkaProducer producer = streamer.producer(input, ProducerOptions.defaults());
            for (int i = 0; i < MESSAGES; i++) {
                String payload = "m-" + i;
                sent.add(payload);
                producer.send(KafkaRecord.of(input, payload).withShard(ShardId.of(i % 3)).withKey("k" + (i % 7)));
            }
            producer.flush();

            Path log = Path.of("target", "children", "relay-" + output + ".log");
            for (int kill = 0; kill < KILLS; kill++) {
                long start = highWatermark(admin, output);
                long target = start + 100 + random.nextInt(400);
                Process relay = startRelay(log, broker, input, output, group);
                try {
                    Awaitility.await("output high watermark " + target + " (seed " + seed + ")")
                            .atMost(KafkaTesting.PATIENCE).pollInterval(Duration.ofMillis(5))
                            .until(() -> !relay.isAlive() || highWatermark(admin, output) >= target);
                    assertThat(relay.isAlive()).as("the relay is still running; see " + log).isTrue();
                } finally {
                    relay.destroyForcibly();
                    relay.waitFor(30, TimeUnit.SECONDS);
                }
            }

            Process relay = startRelay(log, broker, input, output, group);
            try (var reader = readCommittedConsumer(broker, output)) {
                long deadline = System.nanoTime() + KafkaTesting.PATIENCE.multipliedBy(2).toNanos();
                int count = 0;
                while (count < MESSAGES) {
                    assertThat(System.nanoTime()).as("all messages relayed in time (seed " + seed + "); see " + log)
                            .isLessThan(deadline);
                    count += reader.poll(Duration.ofMillis(200)).count();
                }
            } finally {
                relay.destroyForcibly();
                relay.waitFor(30, TimeUnit.SECONDS);
            }
        }
        List<String> got = readCommitted(broker, output);
        assertThat(got).as("seed " + seed).hasSize(MESSAGES).doesNotHaveDuplicates();
        assertThat(new HashSet<>(got)).isEqualTo(sent);
    }

    private static Process startRelay(Path log, KafkaBroker broker, StreamKey input, StreamKey output, String group)
            throws java.io.IOException {
        return ChildJvm.start(log, List.of("-Xmx256m"), RelayChild.class.getName(),
                broker.bootstrap(), input.name(), output.name(), group);
    }

    private static long highWatermark(Admin admin, StreamKey topic) throws Exception {
        return endOffsets(admin, topic, IsolationLevel.READ_UNCOMMITTED).values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, StreamKey topic, IsolationLevel level) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < 2; p++) {
            request.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(level)).all().get(60, TimeUnit.SECONDS)
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** A plain read_committed consumer of both partitions of the output, from the beginning. */
    private static org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> readCommittedConsumer(KafkaBroker broker,
                                                                                                   StreamKey topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(props);
        List<TopicPartition> partitions = List.of(new TopicPartition(topic.name(), 0), new TopicPartition(topic.name(), 1));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Every record of the topic up to its last stable offset, read with read_committed. */
    private static List<String> readCommitted(KafkaBroker broker, StreamKey topic) {
        List<String> out = new ArrayList<>();
        try (var consumer = readCommittedConsumer(broker, topic)) {
            List<TopicPartition> partitions = List.copyOf(consumer.assignment());
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + KafkaTesting.PATIENCE.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " up to " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }
}
