package dev.tide.cli;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.time.Duration;
import java.util.List;

/** Reads test streams through the API, to check what commands wrote. */
final class Streams {

    private Streams() {
    }

    /**
     * Reads a stream from its start: exactly {@code n} payloads, and nothing after them.
     *
     * @param url such as {@code mem:///key}
     * @param n how many messages are expected
     * @return their payloads, as text
     */
    static List<String> payloads(String url, int n) {
        try (Streamer streamer = Streamer.connect(url);
                Consumer consumer = streamer.consumer(ConsumerOptions.realTime().reset(StreamReset.EARLIEST))) {
            List<String> payloads = consumer.flow().take(n).map(Message::asString).toList();
            if (consumer.poll(Duration.ZERO).isPresent()) {
                throw new AssertionError(url + " holds more than " + n + " messages");
            }
            return payloads;
        }
    }

    /** The payloads {@code { "tick": 0 }} to {@code { "tick": n-1 }}. */
    static List<String> ticks(int n) {
        return java.util.stream.LongStream.range(0, n).mapToObj(Ticks::payload).toList();
    }
}
