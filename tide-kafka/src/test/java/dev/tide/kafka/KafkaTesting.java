package dev.tide.kafka;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.StreamKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Shared settings of the tests that use the {@link KafkaBroker}. */
final class KafkaTesting {

    /** How long a test waits for anything before failing; only failures take this long. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final String RUN = Long.toString(System.nanoTime() & 0xFFFFFFFFFL, 36);
    private static final AtomicLong COUNTER = new AtomicLong();

    private KafkaTesting() {
    }

    static KafkaBroker broker() {
        return KafkaBroker.shared();
    }

    /** A connection to the test broker. */
    static KafkaStreamer connect() {
        return KafkaStreamer.connect(broker().uri() + "/", ConnectOptions.defaults().timeout(Duration.ofSeconds(30)));
    }

    /** A topic name no other test uses. */
    static StreamKey topic(String hint) {
        return StreamKey.of("t-" + RUN + "-" + hint + "-" + COUNTER.incrementAndGet());
    }

    /** A group name no other test uses. */
    static String group(String hint) {
        return "g-" + RUN + "-" + hint + "-" + COUNTER.incrementAndGet();
    }

    /** Short group timeouts, so that rebalances and dead members take seconds, not a minute. */
    static ConsumerOptions fastGroups(ConsumerOptions options) {
        return options.with("kafka.session.timeout.ms", "4000")
                .with("kafka.heartbeat.interval.ms", "300")
                .with(KafkaOptions.POLL_INTERVAL, Duration.ofMillis(200));
    }
}
