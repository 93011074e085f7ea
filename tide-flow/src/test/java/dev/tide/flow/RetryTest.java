package dev.tide.flow;

import static dev.tide.flow.Timeline.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/** Flow.retry on virtual time. */
@Timeout(20)
class RetryTest {

    private final VirtualScheduler vs = Scheduler.virtual();
    private final List<Long> attemptTimes = new ArrayList<>();

    /**
     * A cold source: each collection emits its elements; the first {@code failures} collections fail after
     * emitting {@code beforeFailure} of them. Records the virtual time at which every collection starts.
     */
    private Flow<Integer> flaky(int failures, int beforeFailure, int... elements) {
        AtomicInteger collections = new AtomicInteger();
        return emitter -> {
            attemptTimes.add(vs.elapsed().toMillis());
            int attempt = collections.incrementAndGet();
            for (int i = 0; i < elements.length; i++) {
                if (attempt <= failures && i == beforeFailure) {
                    throw new java.io.IOException("attempt " + attempt + " failed");
                }
                emitter.emit(elements[i]);
            }
        };
    }

    @Test
    void replayModeShowsEveryAttemptsElements() {
        Flow<Integer> flow = flaky(2, 2, 1, 2, 3).retry(RetryPolicy.fixed(3, ms(100)), RetryMode.REPLAY, vs);
        assertThat(flow.toList()).containsExactly(1, 2, 1, 2, 1, 2, 3);
        assertThat(attemptTimes).containsExactly(0L, 100L, 200L);
    }

    @Test
    void skipEmittedModeDeliversEachElementOnce() {
        Flow<Integer> flow = flaky(2, 2, 1, 2, 3).retry(RetryPolicy.fixed(3, ms(100)), RetryMode.SKIP_EMITTED, vs);
        assertThat(flow.toList()).containsExactly(1, 2, 3);
        assertThat(flow.toList()).as("collected again").containsExactly(1, 2, 3);
    }

    @Test
    void exponentialBackoffIsCapped() {
        RetryPolicy policy = RetryPolicy.exponential(5, ms(100), 2.0, ms(300));
        assertThat(flaky(4, 0, 7).retry(policy, RetryMode.REPLAY, vs).toList()).containsExactly(7);
        assertThat(attemptTimes).containsExactly(0L, 100L, 300L, 600L, 900L);
    }

    @Test
    void givingUpFailsWithTheLastFailureUnchanged() {
        Flow<Integer> flow = flaky(9, 1, 1, 2).retry(RetryPolicy.fixed(3, ms(10)), RetryMode.REPLAY, vs);
        List<Integer> seen = new ArrayList<>();
        assertThatThrownBy(() -> flow.forEach(seen::add)).isInstanceOf(FlowException.class)
                .hasCauseInstanceOf(java.io.IOException.class).hasMessageContaining("attempt 3 failed");
        assertThat(seen).containsExactly(1, 1, 1);
        assertThat(attemptTimes).containsExactly(0L, 10L, 20L);
    }

    @Test
    void onlyFailuresThePolicyAcceptsAreRetried() {
        RetryPolicy onlyTimeouts = RetryPolicy.builder().maxAttempts(5).fixedDelay(ms(1))
                .retryOn(e -> e instanceof java.util.concurrent.TimeoutException).build();
        assertThatThrownBy(() -> flaky(1, 0, 1).retry(onlyTimeouts, RetryMode.REPLAY, vs).toList())
                .hasCauseInstanceOf(java.io.IOException.class);
        assertThat(attemptTimes).hasSize(1);
    }

    @Test
    void aDownstreamFailureIsNotRetried() {
        AtomicInteger collections = new AtomicInteger();
        Flow<Integer> source = emitter -> {
            collections.incrementAndGet();
            emitter.emit(1);
        };
        Flow<Integer> flow = source.retry(RetryPolicy.fixed(5, ms(1)), RetryMode.REPLAY, vs).map(i -> {
            throw new IllegalArgumentException("downstream");
        });
        assertThatThrownBy(flow::toList).hasMessage("downstream");
        assertThat(collections).hasValue(1);
    }

    @Test
    void errorsAndNonRetriableFlowExceptionsAreNotRetried() {
        AtomicInteger collections = new AtomicInteger();
        Flow<Integer> error = emitter -> {
            collections.incrementAndGet();
            throw new AssertionError("error");
        };
        assertThatThrownBy(() -> error.retry(RetryPolicy.fixed(5, ms(1)), RetryMode.REPLAY, vs).toList())
                .isInstanceOf(AssertionError.class);
        Flow<Integer> illegal = emitter -> {
            collections.incrementAndGet();
            throw new FlowException(FlowException.Kind.ILLEGAL_STATE, "misuse");
        };
        assertThatThrownBy(() -> illegal.retry(RetryPolicy.fixed(5, ms(1)), RetryMode.REPLAY, vs).toList())
                .hasMessage("misuse");
        assertThat(collections).hasValue(2);
    }

    @TestFactory
    Stream<DynamicTest> harness() {
        return OperatorHarness.<Integer, Integer>operator("retry",
                        up -> up.retry(RetryPolicy.fixed(3, Duration.ofSeconds(1)), RetryMode.REPLAY, vs))
                .emits("no failure: unchanged", List.of(1, 2, 3), List.of(1, 2, 3))
                .fails("a failure every time: replayed, then given up",
                        OperatorHarness.failingAfter(List.of(1), new IllegalStateException("x")),
                        List.of(1, 1, 1), IllegalStateException.class)
                .earlyCancelPulls(1)
                .tests();
    }

    @org.junit.jupiter.api.RepeatedTest(30)
    void aStalledSourceIsReconnectedByTimeoutAndRetry() {
        AtomicInteger collections = new AtomicInteger();
        Flow<String> source = emitter -> {
            int attempt = collections.incrementAndGet();
            attemptTimes.add(vs.elapsed().toMillis());
            emitter.emit("a" + attempt);
            if (attempt == 1) {
                vs.sleep(Duration.ofDays(1)); // stalls: the timeout cancels it
            }
            emitter.emit("b" + attempt);
        };
        Flow<String> resilient = source.timeout(ms(50), vs).retry(RetryPolicy.fixed(3, ms(20)), RetryMode.REPLAY, vs);
        assertThat(resilient.toList()).containsExactly("a1", "a2", "b2");
        assertThat(attemptTimes).containsExactly(0L, 70L);
    }

    @Test
    void theSystemSchedulerIsTheDefault() {
        assertThat(flaky(1, 0, 5).retry(RetryPolicy.fixed(2, Duration.ZERO)).toList()).containsExactly(5);
    }
}
