package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.Consumer;
import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.tck.Capabilities.Feature;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/* Misuse and options: the errors the API promises for wrong calls, and unknown backend options. */
abstract class MisuseScenarios extends Scenarios {

    MisuseScenarios(AbstractStreamerConformanceTest suite) {
        super(suite);
    }

    @Test
    @DisplayName("invalid stream keys are rejected with INVALID_STREAM_KEY, the reserved key too")
    void invalidKeys() {
        assertKind(StreamException.Kind.INVALID_STREAM_KEY, () -> StreamKey.of(""));
        assertKind(StreamException.Kind.INVALID_STREAM_KEY, () -> StreamKey.of("a:b"));
        assertKind(StreamException.Kind.INVALID_STREAM_KEY, () -> StreamKey.of("x".repeat(250)));
        StreamKey reserved = StreamKey.of(StreamKey.INTERNAL);
        Producer unanchored = producer();
        assertKind(StreamException.Kind.INVALID_STREAM_KEY, () -> unanchored.send(reserved, "x"));
    }

    @Test
    @DisplayName("consumer rules: no stream, a group in REAL_TIME, no group in LOAD_BALANCED")
    void consumerRules() {
        StreamKey key = newStreamKey("rules");
        createStream(key, 1);
        assertKind(StreamException.Kind.STREAM_KEY_EMPTY,
                () -> streamer().consumer(List.of(), consumerOptions(ConsumerOptions.realTime())));
        assertKind(StreamException.Kind.CONSUMER_GROUP_IS_SET,
                () -> streamer().consumer(List.of(key), consumerOptions(ConsumerOptions.realTime().group("g"))));
        ThrowingCallable noGroup = () -> streamer().consumer(List.of(key),
                consumerOptions(ConsumerOptions.of(ConsumerMode.LOAD_BALANCED)));
        if (has(Feature.LOAD_BALANCED)) {
            assertKind(StreamException.Kind.CONSUMER_GROUP_NOT_SET, noGroup);
        } else {
            assertThatThrownBy(noGroup).isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind())
                    .isIn(StreamException.Kind.CONSUMER_GROUP_NOT_SET, StreamException.Kind.UNSUPPORTED));
        }
    }

    @Test
    @DisplayName("commit on a REAL_TIME consumer fails with COMMIT_NOT_ALLOWED")
    void commitInRealTime() {
        StreamKey key = newStreamKey("commit-rt");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        sendAll(producer(key), key, "m", 1);
        Message m = receiveOne(consumer);

        assertKind(StreamException.Kind.COMMIT_NOT_ALLOWED, () -> consumer.commit(m));
        assertThat(consumer.commitAsync(m)).isCompletedExceptionally();
    }

    @Test
    @DisplayName("an unanchored producer's send(payload) fails with NOT_ANCHORED; an anchored one reports its anchor")
    void anchoring() {
        StreamKey key = newStreamKey("anchor");
        Producer unanchored = producer();
        assertThat(unanchored.anchor()).isEmpty();
        assertKind(StreamException.Kind.NOT_ANCHORED, () -> unanchored.send("x"));
        assertThat(producer(key).anchor()).contains(key);
    }

    @Test
    @DisplayName("assign/unassign of a stream the consumer does not read fails with STREAM_KEY_NOT_FOUND; unassigning the last fails with STREAM_KEY_EMPTY")
    void assignRules() {
        StreamKey key = newStreamKey("assign-rules");
        StreamKey other = newStreamKey("other");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);

        assertKind(StreamException.Kind.STREAM_KEY_NOT_FOUND, () -> consumer.assign(other, ShardId.ZERO));
        assertKind(StreamException.Kind.STREAM_KEY_NOT_FOUND, () -> consumer.unassign(other, ShardId.ZERO));
        consumer.assign(key, ShardId.ZERO);
        assertKind(StreamException.Kind.STREAM_KEY_EMPTY, () -> consumer.unassign(key, ShardId.ZERO));
    }

    @Test
    @DisplayName("REJECTS_UNKNOWN_OPTIONS: an unknown option with the backend's prefix fails with INVALID_OPTION naming it;"
            + " without it, the option is ignored and the consumer and producer work")
    void unknownOptions() {
        StreamKey key = newStreamKey("options");
        createStream(key, 1);
        String name = streamer().url().streamer().requireProtocol() + ".no-such-option";
        ConsumerOptions consumerOptions = consumerOptions(ConsumerOptions.realTime()).with(name, "1");
        if (has(Feature.REJECTS_UNKNOWN_OPTIONS)) {
            assertThatThrownBy(() -> streamer().consumer(List.of(key), consumerOptions))
                    .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION))
                    .hasMessageContaining(name);
            assertThatThrownBy(() -> streamer().producer(key, producerOptions().with(name, "1")))
                    .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION))
                    .hasMessageContaining(name);
            return;
        }
        Consumer consumer = track(streamer().consumer(List.of(key), consumerOptions));
        awaitReady(consumer);
        Producer producer = track(streamer().producer(key, producerOptions().with(name, "1")));

        await(producer.send("through"));

        assertThat(receiveOne(consumer).asString()).as("a message between the two made with " + name).isEqualTo("through");
    }
}
