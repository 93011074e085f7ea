package dev.tide.flow;

import static dev.tide.flow.MapConcurrentTest.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** rateLimit (token bucket) and pace, on virtual time: exact emission times. */
class RateLimitTest {

    private static final long MS = 1_000_000;

    @TestFactory
    Stream<DynamicTest> rateLimitDelay() {
        VirtualScheduler vs = Scheduler.virtual();
        return OperatorHarness.<Integer, Integer>operator("rateLimit(DELAY)",
                        up -> up.rateLimit(2, Duration.ofSeconds(1), ThrottleMode.DELAY, vs))
                .emits("nothing is lost", range(0, 7), range(0, 7))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> pace() {
        VirtualScheduler vs = Scheduler.virtual();
        return OperatorHarness.<Integer, Integer>operator("pace", up -> up.pace(Duration.ofMillis(10), vs))
                .emits("nothing is lost", range(0, 5), range(0, 5))
                .tests();
    }

    @Test
    void aFullBucketLetsABurstThroughThenOneTokenPerInterval() {
        VirtualScheduler vs = Scheduler.virtual();
        List<Long> times = Flow.range(0, 8).rateLimit(3, Duration.ofSeconds(1), ThrottleMode.DELAY, vs)
                .map(i -> vs.nanoTime()).toList();
        long interval = 333_333_334; // 1 s / 3, rounded up
        assertThat(times).containsExactly(0L, 0L, 0L, interval, 2 * interval, 3 * interval, 4 * interval, 5 * interval);
    }

    @Test
    void dropModeDropsWhatFindsNoToken() {
        VirtualScheduler vs = Scheduler.virtual();
        // ticks every 100 ms; 2 tokens, one every 500 ms
        List<Long> passed = Flow.tick(Duration.ofMillis(100), vs).take(20)
                .rateLimit(2, Duration.ofSeconds(1), ThrottleMode.DROP, vs).toList();
        assertThat(passed).containsExactly(0L, 1L, 5L, 10L, 15L);
    }

    @Test
    void aQuietPeriodRefillsTheBucketUpToItsSize() {
        VirtualScheduler vs = Scheduler.virtual();
        Flow<Integer> bursty = emitter -> {
            for (int i = 0; i < 3; i++) {
                emitter.emit(i);
            }
            vs.sleep(Duration.ofSeconds(10)); // far longer than a refill of the whole bucket
            for (int i = 3; i < 7; i++) {
                emitter.emit(i);
            }
        };
        List<Long> times = bursty.rateLimit(2, Duration.ofSeconds(1), ThrottleMode.DELAY, vs)
                .map(i -> vs.nanoTime() / MS).toList();
        // 0, 1 at once, 2 after 500 ms; after the pause 3 and 4 at once (full bucket of 2), then one per 500 ms
        assertThat(times).containsExactly(0L, 0L, 500L, 10_500L, 10_500L, 11_000L, 11_500L);
    }

    @Test
    void paceKeepsAtLeastTheIntervalBetweenElements() {
        VirtualScheduler vs = Scheduler.virtual();
        List<Long> times = Flow.range(0, 4).pace(Duration.ofMillis(250), vs).map(i -> vs.nanoTime() / MS).toList();
        assertThat(times).containsExactly(0L, 250L, 500L, 750L);
    }

    @Test
    void aSlowDownstreamDoesNotEarnABurstLargerThanTheBucket() {
        VirtualScheduler vs = Scheduler.virtual();
        List<Long> times = Flow.range(0, 5).rateLimit(2, Duration.ofSeconds(1), ThrottleMode.DELAY, vs)
                .map(i -> {
                    long now = vs.nanoTime() / MS;
                    if (i == 0) {
                        sleep(vs, Duration.ofSeconds(5));
                    }
                    return now;
                }).toList();
        assertThat(times).containsExactly(0L, 5_000L, 5_000L, 5_500L, 6_000L);
    }

    private static void sleep(VirtualScheduler vs, Duration d) {
        try {
            vs.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void misuseFailsFast() {
        assertThatThrownBy(() -> Flow.of(1).rateLimit(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rateLimit permits must be positive: 0");
        assertThatThrownBy(() -> Flow.of(1).rateLimit(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flow.of(1).pace(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
