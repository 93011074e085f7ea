package dev.tide.flow;

import static dev.tide.flow.Timeline.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class RetryPolicyTest {

    @Test
    void fixedAndExponentialDelays() {
        RetryPolicy fixed = RetryPolicy.fixed(4, ms(50));
        assertThat(fixed.delayBefore(1)).isEqualTo(ms(50));
        assertThat(fixed.delayBefore(3)).isEqualTo(ms(50));
        RetryPolicy exponential = RetryPolicy.exponential(10, ms(100), 3.0, Duration.ofSeconds(2));
        assertThat(exponential.delayBefore(1)).isEqualTo(ms(100));
        assertThat(exponential.delayBefore(2)).isEqualTo(ms(300));
        assertThat(exponential.delayBefore(3)).isEqualTo(ms(900));
        assertThat(exponential.delayBefore(4)).isEqualTo(Duration.ofSeconds(2));
        assertThat(exponential.delayBefore(1000)).as("huge retry numbers stay capped").isEqualTo(Duration.ofSeconds(2));
        RetryPolicy uncapped = RetryPolicy.builder().exponentialBackoff(ms(1), 10).maxAttempts(100).build();
        assertThat(uncapped.delayBefore(90)).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    }

    @Test
    void jitterSpreadsDelaysWithinItsBoundsAndNeverAboveTheCap() {
        RandomGenerator seeded = new SplittableRandom(42);
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(50).fixedDelay(ms(100)).jitter(0.5, seeded)
                .maxDelay(ms(120)).build();
        long distinct = java.util.stream.IntStream.rangeClosed(1, 49).mapToObj(policy::delayBefore)
                .peek(d -> assertThat(d).isBetween(ms(50), ms(120)))
                .distinct().count();
        assertThat(distinct).as("jitter varies the delays").isGreaterThan(10);
        RetryPolicy again = RetryPolicy.builder().maxAttempts(50).fixedDelay(ms(100))
                .jitter(0.5, new SplittableRandom(42)).maxDelay(ms(120)).build();
        RetryPolicy first = RetryPolicy.builder().maxAttempts(50).fixedDelay(ms(100))
                .jitter(0.5, new SplittableRandom(42)).maxDelay(ms(120)).build();
        assertThat(again.delayBefore(1)).as("a seeded source repeats").isEqualTo(first.delayBefore(1));
    }

    @Test
    void shouldRetryCountsAttemptsAndExcludesInterruptionsAndErrors() {
        RetryPolicy policy = RetryPolicy.fixed(3, ms(1));
        Exception io = new java.io.IOException("x");
        assertThat(policy.shouldRetry(io, 1)).isTrue();
        assertThat(policy.shouldRetry(io, 2)).isTrue();
        assertThat(policy.shouldRetry(io, 3)).isFalse();
        assertThat(policy.shouldRetry(new InterruptedException(), 1)).isFalse();
        assertThat(policy.shouldRetry(new FlowException(FlowException.Kind.INTERRUPTED, "i"), 1)).isFalse();
        assertThat(policy.shouldRetry(new OutOfMemoryError(), 1)).isFalse();
        assertThat(policy.shouldRetry(new FlowException(FlowException.Kind.TIMEOUT, "t"), 1)).isTrue();
        assertThat(policy.shouldRetry(new FlowException(FlowException.Kind.ILLEGAL_STATE, "s"), 1)).isFalse();
        assertThat(RetryPolicy.none().shouldRetry(io, 1)).isFalse();
    }

    @Test
    void callRetriesAnyCallableOnTheGivenScheduler() throws Exception {
        VirtualScheduler vs = Scheduler.virtual();
        AtomicInteger calls = new AtomicInteger();
        String result = RetryPolicy.exponential(4, ms(10), 2, Duration.ofSeconds(1)).call(() -> {
            if (calls.incrementAndGet() < 4) {
                throw new java.io.IOException("not yet");
            }
            return "done at " + vs.elapsed().toMillis();
        }, vs);
        assertThat(result).isEqualTo("done at 70");
        assertThat(calls).hasValue(4);
    }

    @Test
    void callRethrowsTheLastFailureUnchanged() {
        VirtualScheduler vs = Scheduler.virtual();
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> RetryPolicy.fixed(2, ms(5)).call(() -> {
            throw new java.io.IOException("call " + calls.incrementAndGet());
        }, vs)).isInstanceOf(java.io.IOException.class).hasMessage("call 2");
    }

    @Test
    void anInterruptedBackoffStopsRetrying() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        Throwable[] thrown = new Throwable[1];
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                RetryPolicy.fixed(5, Duration.ofDays(1)).call(() -> {
                    calls.incrementAndGet();
                    throw new java.io.IOException("down");
                });
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        org.awaitility.Awaitility.await().until(() -> caller.getState() == Thread.State.TIMED_WAITING);
        caller.interrupt();
        caller.join();
        assertThat(thrown[0]).isInstanceOf(InterruptedException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void decorateWrapsAFunction() {
        VirtualScheduler vs = Scheduler.virtual();
        AtomicInteger calls = new AtomicInteger();
        Function<String, Integer> parse = RetryPolicy.fixed(3, ms(1)).decorate(s -> {
            if (calls.incrementAndGet() < 2) {
                throw new IllegalStateException("flaky");
            }
            return Integer.parseInt(s);
        }, vs);
        assertThat(parse.apply("12")).isEqualTo(12);
        assertThat(calls).hasValue(2);
        assertThat(Flow.of("1", "2").map(parse).toList()).containsExactly(1, 2);
    }

    @Test
    void theBuilderChecksItsArguments() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0)).hasMessage("maxAttempts must be at least 1: 0");
        assertThatThrownBy(() -> RetryPolicy.builder().exponentialBackoff(ms(1), 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().fixedDelay(ms(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.fixed(2, ms(1)).delayBefore(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
