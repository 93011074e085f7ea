package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.tck.Capabilities.Feature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Shards (SHARDS with EXPLICIT_SHARD_SEND): one scenario in three steps on one stream, because without
 * shards the later steps (a shard appearing later, assign narrowing positioning) have nothing of their
 * own to check; rewinding every shard at once is part of PositioningScenarios, resuming per shard part of
 * ResumableScenarios, and groups over several shards part of LoadBalancedScenarios.
 */
abstract class ShardScenarios extends Scenarios {

    ShardScenarios(AbstractStreamerConformanceTest suite) {
        super(suite);
    }

    @Test
    @DisplayName("SHARDS: messages keep their shard, each shard its own order and sequence numbers, a shard's first"
            + " message after the consumer started arrives, and assign narrows rewind and seek to the assigned shards;"
            + " without shards, a send to a shard other than 0 fails with UNSUPPORTED and the producer goes on")
    void shards() {
        StreamKey key = newStreamKey("shards");
        if (!shardsTestable()) {
            createStream(key, 1);
            Consumer consumer = consumer(ConsumerOptions.realTime(), key);
            Producer producer = producer(key);
            assertKind(StreamException.Kind.UNSUPPORTED, () -> producer.send(key, ShardId.of(1), new byte[] {'1'}));
            assertKind(StreamException.Kind.UNSUPPORTED, () -> producer.send(key, ShardId.of(7), new byte[] {'7'}));

            Receipt zero = sendTo(producer, key, 0, "zero");
            await(producer.send("after"));

            assertThat(zero.shard()).isEqualTo(ShardId.ZERO);
            List<Message> got = receive(consumer, 2);
            assertThat(texts(got)).as("the first messages after the refused sends").containsExactly("zero", "after");
            assertThat(got).allSatisfy(m -> assertThat(m.shard()).isEqualTo(ShardId.ZERO));
            return;
        }
        createStream(key, 4);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        Producer producer = producer(key);

        keepTheirShardAndOrder(consumer, producer, key);

        sendTo(producer, key, 3, "three");
        Message three = receiveOne(consumer);
        assertThat(three.asString()).as("the first message of shard 3, after the consumer started").isEqualTo("three");
        assertThat(three.shard()).isEqualTo(ShardId.of(3));

        assignNarrowsPositioning(consumer, producer, key);
    }

    /** Sends {@code s<shard>-<i>} to shards 0 to 2 and checks shard, order and sequence numbers per shard. */
    private void keepTheirShardAndOrder(Consumer consumer, Producer producer, StreamKey key) {
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            receipts.add(sendTo(producer, key, i % 3, "s" + (i % 3) + "-" + i / 3));
        }

        List<Message> got = receive(consumer, 12);

        assertThat(receipts).allSatisfy(r -> assertThat(r.key()).isEqualTo(key));
        for (int s = 0; s < 3; s++) {
            int shard = s;
            List<Message> ofShard = got.stream().filter(m -> m.shard().id() == shard).toList();
            assertThat(texts(ofShard)).containsExactlyElementsOf(payloads("s" + s + "-", 4));
            assertThat(receipts.stream().filter(r -> r.shard().id() == shard)).hasSize(4);
            capabilities().firstSeq().ifPresent(first -> assertThat(ofShard.get(0).seq()).isEqualTo(SeqNo.of(first)));
        }
        assertOrderedPerShard(got);
        if (has(Feature.CONTIGUOUS_SEQ)) {
            assertContiguousPerShard(got);
        }
    }

    /**
     * With shard 1 assigned, rewind replays shard 1 only (or fails with UNSUPPORTED without REWIND); with
     * shard 2 assigned instead, seek moves shard 2 only (or fails with UNSUPPORTED without SEEK_BY_TIME).
     * Markers on the shards left alone prove they kept their position.
     */
    private void assignNarrowsPositioning(Consumer consumer, Producer producer, StreamKey key) {
        consumer.assign(key, ShardId.of(1));
        if (has(Feature.REWIND)) {
            consumer.rewind(SeqPos.BEGINNING);
            assertThat(texts(receive(consumer, 4))).as("shard 1 rewound").containsExactlyElementsOf(payloads("s1-", 4));
        } else {
            assertKind(StreamException.Kind.UNSUPPORTED, () -> consumer.rewind(SeqPos.BEGINNING));
        }
        sendTo(producer, key, 0, "marker0");
        assertThat(receiveOne(consumer).asString()).as("shard 0 kept its position").isEqualTo("marker0");

        consumer.assign(key, ShardId.of(2));
        consumer.unassign(key, ShardId.of(1));
        if (has(Feature.SEEK_BY_TIME)) {
            consumer.seek(Instant.EPOCH);
            assertThat(texts(receive(consumer, 4))).as("shard 2 moved").containsExactlyElementsOf(payloads("s2-", 4));
        } else {
            assertKind(StreamException.Kind.UNSUPPORTED, () -> consumer.seek(Instant.EPOCH));
        }
        sendTo(producer, key, 1, "marker1");
        assertThat(receiveOne(consumer).asString()).as("shard 1 kept its position").isEqualTo("marker1");
    }
}
