package dev.tide.mem;

import dev.tide.ConnectOptions;
import dev.tide.Streamer;
import dev.tide.tck.AbstractStreamerConformanceTest;
import dev.tide.tck.Capabilities;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** The conformance suite on a named mem broker per test, with a clock the suite moves by hand. */
class MemConformanceTest extends AbstractStreamerConformanceTest {

    private static final AtomicLong BROKERS = new AtomicLong();

    private final String broker = "tck-" + BROKERS.incrementAndGet();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    protected Streamer connect() {
        return Streamer.connect("mem://" + broker + "/", ConnectOptions.defaults().with(MemOptions.CLOCK, clock));
    }

    @Override
    protected Capabilities capabilities() {
        return Capabilities.all().without(Capabilities.Feature.GROUP_ROUND_ROBIN_BY_SEQ);
    }

    @Override
    protected void letTimePass(Instant stored) {
        clock.advanceTo(stored.plus(Duration.ofMillis(1)));
    }
}
