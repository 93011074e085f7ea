package dev.tide.flow;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * When to try a failed piece of work again, and how long to wait first: a number of attempts, a back-off
 * (fixed or exponential, capped, optionally jittered) and a predicate choosing the failures worth retrying.
 *
 * <p>Used by {@link Flow#retry(RetryPolicy)} (which collects a cold upstream again) and around any call with
 * {@link #call(Callable)} or {@link #decorate(Function)}. Waiting happens on a {@link Scheduler}, the system
 * one unless another is given, so tests run the back-off on virtual time.
 *
 * <p>Whatever the predicate says, these are never retried: {@link Error}s, interruptions
 * ({@link InterruptedException}, {@link FlowException} of kind {@code INTERRUPTED}) and a flow's internal
 * early-stop signal. The default predicate retries every other exception except a {@link FlowException} whose
 * kind is not {@linkplain FlowException#isRetriable() retriable}.
 *
 * <p>Policies built by {@link #builder()} are immutable and thread-safe. The interface can be implemented to
 * supply another schedule: {@link #call} and {@link #decorate} only use {@link #shouldRetry} and
 * {@link #delayBefore}.
 */
public interface RetryPolicy {

    /**
     * A policy that never retries: one attempt.
     *
     * @return the policy
     */
    static RetryPolicy none() {
        return builder().maxAttempts(1).build();
    }

    /**
     * Up to {@code maxAttempts} attempts in all, waiting {@code delay} before each retry.
     *
     * @param maxAttempts attempts including the first, at least 1
     * @param delay the wait before each retry, zero or more
     * @return the policy
     */
    static RetryPolicy fixed(int maxAttempts, Duration delay) {
        return builder().maxAttempts(maxAttempts).fixedDelay(delay).build();
    }

    /**
     * Up to {@code maxAttempts} attempts in all; the first retry waits {@code initialDelay}, each further one
     * {@code multiplier} times longer, never more than {@code maxDelay}.
     *
     * @param maxAttempts attempts including the first, at least 1
     * @param initialDelay the wait before the first retry, zero or more
     * @param multiplier the growth factor, at least 1
     * @param maxDelay the cap on any wait
     * @return the policy
     */
    static RetryPolicy exponential(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {
        return builder().maxAttempts(maxAttempts).exponentialBackoff(initialDelay, multiplier).maxDelay(maxDelay)
                .build();
    }

    /**
     * A builder starting from: 3 attempts, a fixed delay of 100 ms, no cap, no jitter, the default predicate.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Whether to make another attempt after {@code failure} ended attempt number {@code attempt}.
     *
     * @param failure what the attempt threw
     * @param attempt the number of the attempt that failed, from 1
     * @return true to retry
     */
    boolean shouldRetry(Throwable failure, int attempt);

    /**
     * How long to wait before retry number {@code retry} (1 = before the second attempt). With jitter, each
     * call draws a new value.
     *
     * @param retry the retry number, from 1
     * @return the wait, zero or more
     */
    Duration delayBefore(int retry);

    /**
     * Calls {@code callable} until it returns, retrying as this policy says with waits on the system clock.
     * Blocks the calling thread for the calls and the waits.
     *
     * @param callable the work
     * @param <V> the result type
     * @return the first successful result
     * @throws Exception the failure of the last attempt, unchanged; {@link InterruptedException} if
     *     interrupted while waiting
     */
    default <V> V call(Callable<? extends V> callable) throws Exception {
        return call(callable, Scheduler.system());
    }

    /**
     * Like {@link #call(Callable)}, waiting on {@code scheduler}.
     *
     * @param callable the work
     * @param scheduler where to wait between attempts
     * @param <V> the result type
     * @return the first successful result
     * @throws Exception the failure of the last attempt, unchanged; {@link InterruptedException} if
     *     interrupted while waiting
     */
    default <V> V call(Callable<? extends V> callable, Scheduler scheduler) throws Exception {
        Objects.requireNonNull(callable, "callable");
        Objects.requireNonNull(scheduler, "scheduler");
        for (int attempt = 1; ; attempt++) {
            try {
                return callable.call();
            } catch (Exception e) {
                if (!Failures.handleable(e) || !shouldRetry(e, attempt)) {
                    throw e;
                }
            }
            scheduler.sleep(delayBefore(attempt));
        }
    }

    /**
     * A function that applies {@code function} with this policy's retries, waiting on the system clock.
     *
     * @param function the work; its unchecked exceptions are the failures
     * @param <T> the argument type
     * @param <R> the result type
     * @return the retrying function; it throws the last failure unchanged, or a {@link FlowException} of kind
     *     {@code INTERRUPTED} (flag restored) if interrupted while waiting
     */
    default <T, R> Function<T, R> decorate(Function<? super T, ? extends R> function) {
        return decorate(function, Scheduler.system());
    }

    /**
     * Like {@link #decorate(Function)}, waiting on {@code scheduler}.
     *
     * @param function the work
     * @param scheduler where to wait between attempts
     * @param <T> the argument type
     * @param <R> the result type
     * @return the retrying function
     */
    default <T, R> Function<T, R> decorate(Function<? super T, ? extends R> function, Scheduler scheduler) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(scheduler, "scheduler");
        return argument -> {
            try {
                return call(() -> function.apply(argument), scheduler);
            } catch (RuntimeException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FlowException(FlowException.Kind.INTERRUPTED, "interrupted while waiting to retry", e);
            } catch (Exception e) {
                throw new FlowException(FlowException.Kind.CHECKED, e.toString(), e);
            }
        };
    }

    /** Builds an immutable {@link RetryPolicy}. Not thread-safe; each {@link #build()} takes a snapshot. */
    final class Builder {

        private int maxAttempts = 3;
        private Duration initialDelay = Duration.ofMillis(100);
        private double multiplier = 1.0;
        private Duration maxDelay;
        private double jitter;
        private RandomGenerator random;
        private Predicate<? super Throwable> retryOn = RealRetryPolicy::retriableByDefault;

        Builder() {
        }

        /**
         * How many attempts in all, the first included.
         *
         * @param maxAttempts at least 1
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * The same wait before every retry.
         *
         * @param delay zero or more
         * @return this builder
         */
        public Builder fixedDelay(Duration delay) {
            this.initialDelay = Clocks.checkDuration(delay, "retry delay", true);
            this.multiplier = 1.0;
            return this;
        }

        /**
         * A wait of {@code initialDelay} before the first retry, multiplied by {@code multiplier} for each
         * further one.
         *
         * @param initialDelay zero or more
         * @param multiplier at least 1
         * @return this builder
         */
        public Builder exponentialBackoff(Duration initialDelay, double multiplier) {
            this.initialDelay = Clocks.checkDuration(initialDelay, "initial retry delay", true);
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("backoff multiplier must be a finite number >= 1: " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /**
         * The longest wait, after jitter too.
         *
         * @param maxDelay zero or more
         * @return this builder
         */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = Clocks.checkDuration(maxDelay, "maximum retry delay", true);
            return this;
        }

        /**
         * Spreads each wait uniformly over [d × (1 − factor), d × (1 + factor)] (then applies the cap), so
         * that many clients failing together do not retry together. Uses a thread-local random source.
         *
         * @param factor between 0 (no jitter) and 1
         * @return this builder
         */
        public Builder jitter(double factor) {
            return jitter(factor, null);
        }

        /**
         * Like {@link #jitter(double)}, drawing from {@code random} (which must be thread-safe if the policy is
         * used by several threads); tests pass a seeded generator.
         *
         * @param factor between 0 and 1
         * @param random the random source, or null for a thread-local one
         * @return this builder
         */
        public Builder jitter(double factor, RandomGenerator random) {
            if (!(factor >= 0.0 && factor <= 1.0)) {
                throw new IllegalArgumentException("jitter factor must be between 0 and 1: " + factor);
            }
            this.jitter = factor;
            this.random = random;
            return this;
        }

        /**
         * Retries only failures that satisfy {@code predicate} (interruptions and errors never are).
         *
         * @param predicate the test
         * @return this builder
         */
        public Builder retryOn(Predicate<? super Throwable> predicate) {
            this.retryOn = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        /**
         * The policy.
         *
         * @return a new immutable policy
         */
        public RetryPolicy build() {
            return new RealRetryPolicy(maxAttempts, Clocks.nanos(initialDelay), multiplier,
                    maxDelay == null ? Long.MAX_VALUE : Clocks.nanos(maxDelay), jitter,
                    random == null ? ThreadLocalRandom::current : () -> random, retryOn);
        }
    }
}
