package dev.tide.flow;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/*
 * The RetryPolicy built by RetryPolicy.Builder. delayBefore(r) = min(cap, jitter(initial * multiplier^(r-1))),
 * computed in double nanoseconds and saturated, so huge multipliers or retry numbers cap cleanly.
 */
final class RealRetryPolicy implements RetryPolicy {

    private final int maxAttempts;
    private final long initialNanos;
    private final double multiplier;
    private final long maxNanos;
    private final double jitter;
    private final Supplier<RandomGenerator> random;
    private final Predicate<? super Throwable> retryOn;

    RealRetryPolicy(int maxAttempts, long initialNanos, double multiplier, long maxNanos, double jitter,
                    Supplier<RandomGenerator> random, Predicate<? super Throwable> retryOn) {
        this.maxAttempts = maxAttempts;
        this.initialNanos = initialNanos;
        this.multiplier = multiplier;
        this.maxNanos = maxNanos;
        this.jitter = jitter;
        this.random = random;
        this.retryOn = retryOn;
    }

    static boolean retriableByDefault(Throwable failure) {
        return !(failure instanceof FlowException f) || f.isRetriable();
    }

    @Override
    public boolean shouldRetry(Throwable failure, int attempt) {
        return attempt < maxAttempts && Failures.handleable(failure) && retryOn.test(failure);
    }

    @Override
    public Duration delayBefore(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry number must be at least 1: " + retry);
        }
        double nanos = initialNanos * Math.pow(multiplier, retry - 1);
        if (jitter > 0 && nanos > 0) {
            double spread = 2 * random.get().nextDouble() - 1;
            nanos = nanos * (1 + jitter * spread);
        }
        long capped = nanos >= maxNanos ? maxNanos : (long) nanos;
        return Duration.ofNanos(Math.max(0, capped));
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialDelay=" + Duration.ofNanos(initialNanos)
                + ", multiplier=" + multiplier
                + (maxNanos == Long.MAX_VALUE ? "" : ", maxDelay=" + Duration.ofNanos(maxNanos))
                + (jitter > 0 ? ", jitter=" + jitter : "") + "]";
    }
}
