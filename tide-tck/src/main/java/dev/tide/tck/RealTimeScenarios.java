package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Producer;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.tck.Capabilities.Feature;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/* REAL_TIME consumers: where LATEST and EARLIEST start, and fan-out to every consumer. */
abstract class RealTimeScenarios extends Scenarios {

    RealTimeScenarios(AbstractStreamerConformanceTest suite) {
        super(suite);
    }

    @Test
    @DisplayName("LATEST_START: a REAL_TIME consumer from LATEST receives only messages sent after it was created;"
            + " without it, the newer messages still arrive, in order, after at most some of the older ones")
    void realTimeFromLatest() {
        StreamKey key = newStreamKey("latest");
        createStream(key, 1);
        Producer producer = producer(key);
        sendAll(producer, key, "old", 3);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        sendAll(producer, key, "new", 3);

        if (has(Feature.LATEST_START)) {
            assertThat(texts(receive(consumer, 3))).containsExactly("new0", "new1", "new2");
        } else {
            List<String> got = texts(receiveUntil(consumer, "new2"));
            List<String> all = new ArrayList<>(payloads("old", 3));
            all.addAll(payloads("new", 3));
            assertThat(got).as("a tail of everything sent").hasSizeGreaterThanOrEqualTo(3)
                    .isEqualTo(all.subList(all.size() - got.size(), all.size()));
        }
    }

    @Test
    @DisplayName("EARLIEST_REPLAY: a REAL_TIME consumer from EARLIEST replays stored messages, then continues live;"
            + " without it, it starts with the messages sent after it was ready")
    void realTimeFromEarliest() {
        StreamKey key = newStreamKey("earliest");
        createStream(key, 1);
        Producer producer = producer(key);
        sendAll(producer, key, "old", 3);
        Consumer consumer = consumer(ConsumerOptions.realTime().reset(StreamReset.EARLIEST), key);
        sendAll(producer, key, "new", 2);

        if (has(Feature.EARLIEST_REPLAY)) {
            assertThat(texts(receive(consumer, 5))).containsExactly("old0", "old1", "old2", "new0", "new1");
        } else {
            assertThat(texts(receive(consumer, 2))).as("the first messages, without the old ones").containsExactly("new0", "new1");
        }
    }

    @Test
    @DisplayName("every REAL_TIME consumer receives every message")
    void realTimeFanOut() {
        StreamKey key = newStreamKey("fanout");
        createStream(key, 1);
        Consumer first = consumer(ConsumerOptions.realTime(), key);
        Consumer second = consumer(ConsumerOptions.realTime(), key);
        sendAll(producer(key), key, "x", 10);

        assertThat(texts(receive(first, 10))).isEqualTo(payloads("x", 10));
        assertThat(texts(receive(second, 10))).isEqualTo(payloads("x", 10));
    }
}
