package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.SeqPos;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.tck.Capabilities.Feature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Positioning a consumer: seek by time (SEEK_BY_TIME) and rewind by sequence number (REWIND), on every
 * shard of the stream when no shard is assigned. Without the feature, the call fails with UNSUPPORTED
 * and the consumer keeps reading where it was (a marker sent afterwards is the next message).
 */
abstract class PositioningScenarios extends Scenarios {

    PositioningScenarios(AbstractStreamerConformanceTest suite) {
        super(suite);
    }

    @Test
    @DisplayName("SEEK_BY_TIME: seek(t) goes to the first message whose timestamp is at least t;"
            + " without it, seek fails with UNSUPPORTED and the consumer reads on")
    void seekByTime() {
        StreamKey key = newStreamKey("seek");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        Producer producer = producer(key);
        sendAll(producer, key, "a", 3);
        List<Message> all = new ArrayList<>(receive(consumer, 3));
        if (!has(Feature.SEEK_BY_TIME)) {
            assertKind(StreamException.Kind.UNSUPPORTED, () -> consumer.seek(Instant.EPOCH));
            assertKind(StreamException.Kind.UNSUPPORTED, () -> consumer.seek(all.get(0).timestamp()));
            assertNextIsMarker(consumer, key, "the next message after the refused seeks");
            return;
        }
        letTimePass(all.get(2).timestamp());
        sendAll(producer, key, "b", 3);
        all.addAll(receive(consumer, 3));
        Instant firstB = all.get(3).timestamp();
        assertThat(firstB).isAfter(all.get(2).timestamp());

        consumer.seek(firstB);
        assertThat(texts(receive(consumer, 3))).as("seek to b0's timestamp").containsExactly("b0", "b1", "b2");

        consumer.seek(all.get(2).timestamp().plusNanos(1));
        assertThat(texts(receive(consumer, 3))).as("seek just past a2").containsExactly("b0", "b1", "b2");

        consumer.seek(all.get(0).timestamp());
        assertThat(texts(receive(consumer, 6))).as("seek to a0's timestamp").isEqualTo(texts(all));

        consumer.seek(Instant.EPOCH);
        assertThat(texts(receive(consumer, 1))).as("seek to the epoch").containsExactly("a0");

        consumer.seek(all.get(5).timestamp().plusNanos(1));
        letTimePass(all.get(5).timestamp());
        sendAll(producer, key, "c", 1);
        assertThat(texts(receive(consumer, 1))).as("seek past the end, then a new message").containsExactly("c0");
    }

    @Test
    @DisplayName("REWIND: rewind(at(n)) goes to the first message whose sequence number is at least n;"
            + " without it, rewind(at(n)) fails with UNSUPPORTED and the consumer reads on")
    void rewindToSeq() {
        StreamKey key = newStreamKey("rewind");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        sendAll(producer(key), key, "m", 10);
        List<Message> all = receive(consumer, 10);
        if (!has(Feature.REWIND)) {
            assertKind(StreamException.Kind.UNSUPPORTED, () -> consumer.rewind(SeqPos.at(all.get(5).seq())));
            assertKind(StreamException.Kind.UNSUPPORTED, () -> consumer.rewind(SeqPos.at(0)));
            assertNextIsMarker(consumer, key, "the next message after the refused rewinds");
            return;
        }

        consumer.rewind(SeqPos.at(all.get(5).seq()));
        assertThat(texts(receive(consumer, 5))).as("rewind to m5's seq").containsExactly("m5", "m6", "m7", "m8", "m9");

        consumer.rewind(SeqPos.at(all.get(5).seq().next()));
        assertThat(texts(receive(consumer, 1))).as("rewind to m5's seq + 1").containsExactly("m6");

        consumer.rewind(SeqPos.at(0));
        assertThat(texts(receive(consumer, 10))).as("rewind to seq 0").isEqualTo(payloads("m", 10));
    }

    @Test
    @DisplayName("REWIND: rewind(BEGINNING) replays every shard from its first stored message, rewind(END) skips every"
            + " shard to new messages; without it, both fail with UNSUPPORTED and the consumer reads on")
    void rewindBeginningAndEnd() {
        StreamKey key = newStreamKey("begin-end");
        int shards = shardsTestable() ? 2 : 1;
        createStream(key, shards);
        Producer producer = producer(key);
        sendPerShard(producer, key, shards, 3);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        if (!has(Feature.REWIND)) {
            await(producer.send(key, "ready"));
            receiveUntil(consumer, "ready");
            assertKind(StreamException.Kind.UNSUPPORTED, () -> consumer.rewind(SeqPos.BEGINNING));
            assertKind(StreamException.Kind.UNSUPPORTED, () -> consumer.rewind(SeqPos.END));
            assertNextIsMarker(consumer, key, "the next message after the refused rewinds");
            return;
        }

        consumer.rewind(SeqPos.BEGINNING);
        List<Message> replayed = receive(consumer, 3 * shards);
        for (int s = 0; s < shards; s++) {
            assertThat(textsOfShard(replayed, s)).as("shard %d replayed", s).containsExactlyElementsOf(payloads("s" + s + "-", 3));
        }
        assertOrderedPerShard(replayed);

        consumer.rewind(SeqPos.BEGINNING);
        consumer.rewind(SeqPos.END);
        sendPerShard(producer, key, shards, 1, "new");
        List<Message> fresh = receive(consumer, shards);
        for (int s = 0; s < shards; s++) {
            assertThat(textsOfShard(fresh, s)).as("shard %d after END", s).containsExactly("new" + s + "-0");
        }
    }
}
