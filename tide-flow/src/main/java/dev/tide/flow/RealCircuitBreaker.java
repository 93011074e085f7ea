package dev.tide.flow;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/*
 * The circuit breaker built by CircuitBreaker.Builder.
 *
 * State (guarded by `lock`, never held while user code runs): the state, a generation number that changes
 * with every transition (a permit records its outcome only if the generation is still the one it was
 * issued in), a ring of the last `windowSize` outcomes with the count of failures in it, the current run
 * of consecutive failures, and in HALF_OPEN the number of trial permits out and of trials that succeeded.
 * OPEN -> HALF_OPEN happens lazily, when the state is read or a permit asked for after the wait.
 */
final class RealCircuitBreaker implements CircuitBreaker {

    private final String name;
    private final double failureRate;
    private final int minimumCalls;
    private final int consecutiveLimit;
    private final long waitNanos;
    private final int trials;
    private final Predicate<? super Throwable> recordFailureOn;
    private final Scheduler scheduler;

    private final ReentrantLock lock = new ReentrantLock();
    private final boolean[] window;
    private int windowCount;
    private int windowFailures;
    private int windowNext;
    private int consecutive;
    private State state = State.CLOSED;
    private long generation;
    private long openedAt;
    private int trialsOut;
    private int trialsSucceeded;

    RealCircuitBreaker(String name, double failureRate, int windowSize, int minimumCalls, int consecutiveLimit,
                       long waitNanos, int trials, Predicate<? super Throwable> recordFailureOn,
                       Scheduler scheduler) {
        this.name = name;
        this.failureRate = failureRate;
        this.window = new boolean[windowSize];
        this.minimumCalls = minimumCalls;
        this.consecutiveLimit = consecutiveLimit;
        this.waitNanos = waitNanos;
        this.trials = trials;
        this.recordFailureOn = recordFailureOn;
        this.scheduler = scheduler;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public State state() {
        lock.lock();
        try {
            refresh();
            return state;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Permit> tryAcquire() {
        lock.lock();
        try {
            refresh();
            switch (state) {
                case CLOSED -> {
                    return Optional.of(new RealPermit(generation));
                }
                case HALF_OPEN -> {
                    if (trialsOut < trials) {
                        trialsOut++;
                        return Optional.of(new RealPermit(generation));
                    }
                    return Optional.empty();
                }
                default -> {
                    return Optional.empty();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public FlowException refusal() {
        lock.lock();
        try {
            refresh();
            String why = state == State.OPEN
                    ? "open for another " + Duration.ofNanos(Clocks.plus(openedAt, waitNanos) - scheduler.nanoTime())
                    : "half-open with all " + trials + " trial calls in flight";
            return new FlowException(FlowException.Kind.CIRCUIT_OPEN,
                    "circuit breaker '" + name + "' refused the call: " + why);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "CircuitBreaker[" + name + ", " + state() + "]";
    }

    // ------------------------------------------------------------------ transitions (lock held)

    private void refresh() {
        if (state == State.OPEN && Clocks.reached(scheduler.nanoTime(), Clocks.plus(openedAt, waitNanos))) {
            state = State.HALF_OPEN;
            generation++;
            trialsOut = 0;
            trialsSucceeded = 0;
        }
    }

    private void open() {
        state = State.OPEN;
        generation++;
        openedAt = scheduler.nanoTime();
    }

    private void close() {
        state = State.CLOSED;
        generation++;
        windowCount = 0;
        windowFailures = 0;
        windowNext = 0;
        consecutive = 0;
    }

    private void record(boolean failed) {
        if (windowCount == window.length) {
            if (window[windowNext]) {
                windowFailures--;
            }
        } else {
            windowCount++;
        }
        window[windowNext] = failed;
        windowNext = (windowNext + 1) % window.length;
        if (failed) {
            windowFailures++;
            consecutive++;
        } else {
            consecutive = 0;
        }
        boolean tooManyInARow = consecutiveLimit > 0 && consecutive >= consecutiveLimit;
        boolean rateTooHigh = windowCount >= minimumCalls && windowFailures >= failureRate * windowCount;
        if (failed && (tooManyInARow || rateTooHigh)) {
            open();
        }
    }

    private final class RealPermit implements Permit {

        private final long issuedIn;
        private boolean reported;

        RealPermit(long issuedIn) {
            this.issuedIn = issuedIn;
        }

        @Override
        public void success() {
            outcome(Boolean.FALSE);
        }

        @Override
        public void failure(Throwable error) {
            outcome(recordFailureOn.test(error) ? Boolean.TRUE : null);
        }

        @Override
        public void release() {
            outcome(null);
        }

        /** failed = TRUE / FALSE, or null for "no outcome". */
        private void outcome(Boolean failed) {
            lock.lock();
            try {
                if (reported) {
                    return;
                }
                reported = true;
                refresh();
                if (issuedIn != generation) {
                    return;
                }
                if (state == State.CLOSED) {
                    if (failed != null) {
                        record(failed);
                    }
                } else if (state == State.HALF_OPEN) {
                    if (failed == null) {
                        trialsOut--;
                    } else if (failed) {
                        open();
                    } else if (++trialsSucceeded >= trials) {
                        close();
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
