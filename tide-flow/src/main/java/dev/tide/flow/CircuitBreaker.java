package dev.tide.flow;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Stops calling something that keeps failing, and tries it again after a while.
 *
 * <ul>
 *   <li><b>CLOSED</b>: calls go through; their outcomes are recorded. The breaker opens when the failure
 *       rate over the last {@code windowSize} calls reaches the threshold (once at least
 *       {@code minimumCalls} calls are in the window), or after {@code consecutiveFailures} failures in a
 *       row (when that rule is set).</li>
 *   <li><b>OPEN</b>: calls are refused at once with a {@link FlowException} of kind {@code CIRCUIT_OPEN}.
 *       After {@code waitInOpen} the breaker becomes half-open.</li>
 *   <li><b>HALF_OPEN</b>: at most {@code halfOpenTrials} trial calls are let through at a time and the
 *       others refused; one failed trial opens the breaker again (for a new {@code waitInOpen}), and
 *       {@code halfOpenTrials} successful trials close it (with an empty window).</li>
 * </ul>
 *
 * <p>Time is read from the breaker's {@link Scheduler}, so tests drive the open period on virtual time. Which
 * exceptions count as failures is a predicate; by default every exception except interruptions (an
 * interrupted call was cancelled, it did not fail). An outcome reported after the breaker changed state
 * (by a call admitted before the change) is ignored.
 *
 * <p>Use it around any call ({@link #call}, {@link #decorate}), around each collection of a flow
 * ({@link Flow#circuitBreaker(CircuitBreaker)}), or at the lowest level with {@link #tryAcquire()}.
 * Breakers built by {@link #builder()} are thread-safe; no method blocks.
 */
public interface CircuitBreaker {

    /** The state of a breaker. */
    enum State {
        /** Calls go through. */
        CLOSED,
        /** Calls are refused. */
        OPEN,
        /** A limited number of trial calls go through. */
        HALF_OPEN
    }

    /**
     * The admission of one call. Report its outcome exactly once: {@link #success()}, {@link #failure},
     * or {@link #release()} when the call ended without an outcome (cancelled); later reports are ignored.
     */
    interface Permit {

        /** The call succeeded. */
        void success();

        /**
         * The call failed with {@code error}; counted as a failure only if the breaker's predicate says so,
         * otherwise handled like {@link #release()}.
         *
         * @param error what the call threw
         */
        void failure(Throwable error);

        /** The call ended without an outcome; frees its half-open trial slot. */
        void release();
    }

    /**
     * A builder with the defaults: failure rate 50 % over a window of 20 calls, at least 10 calls; no
     * consecutive-failure rule; 30 s open; 3 half-open trials; the system scheduler.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * The breaker's name, used in messages.
     *
     * @return the name
     */
    String name();

    /**
     * The current state (an open breaker whose wait is over reads as half-open). Never blocks.
     *
     * @return the state
     */
    State state();

    /**
     * Asks to make one call.
     *
     * @return a permit if the call may go ahead, empty if it is refused
     */
    Optional<Permit> tryAcquire();

    /**
     * Calls {@code callable} if the breaker admits it, and records the outcome.
     *
     * @param callable the work
     * @param <V> the result type
     * @return what the callable returned
     * @throws FlowException of kind {@code CIRCUIT_OPEN} if the call is refused
     * @throws Exception whatever the callable threw, unchanged
     */
    default <V> V call(Callable<? extends V> callable) throws Exception {
        Objects.requireNonNull(callable, "callable");
        Permit permit = tryAcquire().orElseThrow(this::refusal);
        V result;
        try {
            result = callable.call();
        } catch (Throwable t) {
            permit.failure(t);
            throw t;
        }
        permit.success();
        return result;
    }

    /**
     * A function that applies {@code function} through this breaker.
     *
     * @param function the work; its unchecked exceptions are the failures
     * @param <T> the argument type
     * @param <R> the result type
     * @return the guarded function; it throws {@link FlowException} of kind {@code CIRCUIT_OPEN} when refused
     */
    default <T, R> Function<T, R> decorate(Function<? super T, ? extends R> function) {
        Objects.requireNonNull(function, "function");
        return argument -> {
            Permit permit = tryAcquire().orElseThrow(this::refusal);
            R result;
            try {
                result = function.apply(argument);
            } catch (Throwable t) {
                permit.failure(t);
                throw t;
            }
            permit.success();
            return result;
        };
    }

    /**
     * The exception for a refused call.
     *
     * @return a {@link FlowException} of kind {@code CIRCUIT_OPEN} naming the breaker and its state
     */
    default FlowException refusal() {
        return new FlowException(FlowException.Kind.CIRCUIT_OPEN,
                "circuit breaker '" + name() + "' refused the call (" + state() + ")");
    }

    /** Builds a {@link CircuitBreaker}. Not thread-safe; each {@link #build()} makes a new breaker. */
    final class Builder {

        private String name = "circuit-breaker";
        private double failureRate = 0.5;
        private int windowSize = 20;
        private int minimumCalls = 10;
        private int consecutiveFailures;
        private Duration waitInOpen = Duration.ofSeconds(30);
        private int halfOpenTrials = 3;
        private Predicate<? super Throwable> recordFailureOn = Failures::handleable;
        private Scheduler scheduler = Scheduler.system();

        Builder() {
        }

        /**
         * The name used in messages.
         *
         * @param name not blank
         * @return this builder
         */
        public Builder name(String name) {
            if (Objects.requireNonNull(name, "name").isBlank()) {
                throw new IllegalArgumentException("circuit breaker name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * Opens the breaker when, over the last {@code windowSize} calls, the share of failures reaches
         * {@code threshold}, provided at least {@code minimumCalls} calls were recorded.
         *
         * @param threshold in (0, 1]
         * @param windowSize at least 1
         * @param minimumCalls between 1 and {@code windowSize}
         * @return this builder
         */
        public Builder failureRate(double threshold, int windowSize, int minimumCalls) {
            if (!(threshold > 0.0 && threshold <= 1.0)) {
                throw new IllegalArgumentException("failure rate threshold must be in (0, 1]: " + threshold);
            }
            if (windowSize < 1) {
                throw new IllegalArgumentException("window size must be positive: " + windowSize);
            }
            if (minimumCalls < 1 || minimumCalls > windowSize) {
                throw new IllegalArgumentException("minimum calls must be between 1 and the window size "
                        + windowSize + ": " + minimumCalls);
            }
            this.failureRate = threshold;
            this.windowSize = windowSize;
            this.minimumCalls = minimumCalls;
            return this;
        }

        /**
         * Also opens the breaker after {@code count} failures in a row; 0 turns this rule off.
         *
         * @param count zero or more
         * @return this builder
         */
        public Builder consecutiveFailures(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("consecutive failures must not be negative: " + count);
            }
            this.consecutiveFailures = count;
            return this;
        }

        /**
         * How long the breaker stays open before letting trial calls through.
         *
         * @param wait positive
         * @return this builder
         */
        public Builder waitInOpen(Duration wait) {
            this.waitInOpen = Clocks.checkDuration(wait, "wait in open state", false);
            return this;
        }

        /**
         * How many trial calls a half-open breaker lets through, and how many must succeed to close it.
         *
         * @param trials at least 1
         * @return this builder
         */
        public Builder halfOpenTrials(int trials) {
            if (trials < 1) {
                throw new IllegalArgumentException("half-open trials must be positive: " + trials);
            }
            this.halfOpenTrials = trials;
            return this;
        }

        /**
         * Which exceptions count as failures; the others are treated as calls without an outcome.
         *
         * @param predicate the test
         * @return this builder
         */
        public Builder recordFailureOn(Predicate<? super Throwable> predicate) {
            this.recordFailureOn = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        /**
         * The clock for the open period.
         *
         * @param scheduler the scheduler, {@link Scheduler#system()} by default
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * The breaker, closed.
         *
         * @return a new breaker
         */
        public CircuitBreaker build() {
            return new RealCircuitBreaker(name, failureRate, windowSize, minimumCalls, consecutiveFailures,
                    Clocks.nanos(waitInOpen), halfOpenTrials, recordFailureOn, scheduler);
        }
    }
}
