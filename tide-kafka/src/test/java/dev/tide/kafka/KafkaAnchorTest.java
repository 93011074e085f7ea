package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.MessageHeader;
import dev.tide.ProducerOptions;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A RESUMABLE consumer anchors its group's start (commits the reset position of partitions without a
 * commit) asynchronously, while it starts fetching. The anchor never overwrites a later commit, is
 * stored once the application's first commit is, and is stored when the consumer closes.
 */
class KafkaAnchorTest {

    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 5;

    /** A topic with {@link #PER_PARTITION} messages on each of its {@link #PARTITIONS} partitions. */
    private static StreamKey filledTopic(KafkaStreamer streamer, String hint) {
        StreamKey topic = KafkaTesting.topic(hint);
        streamer.createTopic(topic, PARTITIONS);
        KafkaProducer producer = streamer.producer(topic, ProducerOptions.defaults());
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < PER_PARTITION; i++) {
                producer.send(topic, ShardId.of(p), ("p" + p + "-" + i).getBytes());
            }
        }
        producer.flush();
        producer.close();
        return topic;
    }

    /** A message standing for offset {@code seq} of partition {@code shard}: commit(m) only reads its header. */
    private static Message at(StreamKey topic, int shard, long seq) {
        return Message.of(new MessageHeader(topic, ShardId.of(shard), SeqNo.of(seq), Instant.EPOCH), new byte[0]);
    }

    private static Map<Integer, Long> committed(StreamKey topic, String group) throws Exception {
        try (Admin admin = KafkaTesting.broker().admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
            Map<Integer, Long> out = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (tp.topic().equals(topic.name()) && o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        }
    }

    @Test
    void aCommitRightAfterCreationIsStoredAfterTheAnchorAndCarriesTheOthers() throws Exception {
        try (KafkaStreamer streamer = KafkaTesting.connect()) {
            StreamKey topic = filledTopic(streamer, "anchor-commit");
            // Several groups, so that some commits are queued while the anchor is still in flight.
            for (int round = 0; round < 5; round++) {
                String group = KafkaTesting.group("anchor-commit");
                KafkaConsumer consumer = streamer.consumer(List.of(topic),
                        ConsumerOptions.resumable().group(group).reset(StreamReset.EARLIEST));
                consumer.commit(at(topic, 0, 2));
                assertThat(committed(topic, group)).as("after the first commit, round %d", round)
                        .isEqualTo(Map.of(0, 3L, 1, 0L, 2, 0L));
                consumer.close();
                assertThat(committed(topic, group)).as("after close, round %d", round).isEqualTo(Map.of(0, 3L, 1, 0L, 2, 0L));
            }
        }
    }

    @Test
    void anAsyncCommitRightAfterCreationIsStoredAfterTheAnchor() throws Exception {
        try (KafkaStreamer streamer = KafkaTesting.connect()) {
            StreamKey topic = filledTopic(streamer, "anchor-async");
            for (int round = 0; round < 5; round++) {
                String group = KafkaTesting.group("anchor-async");
                KafkaConsumer consumer = streamer.consumer(List.of(topic),
                        ConsumerOptions.resumable().group(group).reset(StreamReset.EARLIEST));
                CompletableFuture<Void> done = consumer.commitAsync(at(topic, 1, 3));
                consumer.close();
                assertThat(done).isCompleted();
                assertThat(committed(topic, group)).as("round %d", round).isEqualTo(Map.of(0, 0L, 1, 4L, 2, 0L));

                // The next consumer of the group resumes there.
                KafkaConsumer again = streamer.consumer(List.of(topic),
                        ConsumerOptions.resumable().group(group).reset(StreamReset.EARLIEST));
                Map<Integer, Long> first = new HashMap<>();
                for (Message m : SeaStreamerKafkaScenarioTest.receive(again, 3 * PER_PARTITION - 4)) {
                    first.putIfAbsent((int) m.shard().id(), m.seq().value());
                }
                assertThat(first).isEqualTo(Map.of(0, 0L, 1, 4L, 2, 0L));
                again.close();
            }
        }
    }

    @Test
    void closingRightAfterCreationStoresTheAnchor() throws Exception {
        try (KafkaStreamer streamer = KafkaTesting.connect()) {
            StreamKey topic = filledTopic(streamer, "anchor-close");
            String group = KafkaTesting.group("anchor-close");
            ConsumerOptions latest = ConsumerOptions.resumable().group(group).reset(StreamReset.LATEST);
            streamer.consumer(List.of(topic), latest).close();
            assertThat(committed(topic, group)).isEqualTo(Map.of(0, 5L, 1, 5L, 2, 5L));

            // Sent while no member runs: the group's next consumer starts at the anchor, not at its own "latest".
            KafkaProducer producer = streamer.producer(topic, ProducerOptions.defaults());
            for (int p = 0; p < PARTITIONS; p++) {
                producer.send(topic, ShardId.of(p), ("new-" + p).getBytes());
            }
            producer.flush();
            KafkaConsumer again = streamer.consumer(List.of(topic), latest);
            List<String> got = SeaStreamerKafkaScenarioTest.receive(again, PARTITIONS).stream().map(Message::asString).sorted().toList();
            assertThat(got).containsExactly("new-0", "new-1", "new-2");
            again.close();
        }
    }
}
