package dev.tide.flow;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Package-private helpers that let operators wait on a Scheduler.
 *
 * Operators never call Condition.await directly when they may wait for time or for another thread of the
 * same flow: they use a Signal from newSignal(scheduler, lock). On the system scheduler that is a plain
 * Condition; on a virtual scheduler it lets the scheduler know that the thread is waiting (so that virtual
 * time can advance when everyone waits) and wakes it when its deadline is reached.
 *
 * Threads that do work for a flow on virtual time register as participants (participate) for as long as
 * they may run: a thread started by an operator is registered by its parent before it is started, so that
 * there is no moment when it runs without being counted.
 *
 * Deadlines are nanosecond readings of the scheduler's clock; NO_DEADLINE means "wait without a deadline".
 */
final class Clocks {

    /** A deadline that is never reached. */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    /** The do-nothing participation of the system scheduler. */
    private static final Participation NONE = () -> { };

    private Clocks() {
    }

    /** A registration as participant, ended by close() (idempotent). */
    interface Participation extends VirtualScheduler.Participation {
    }

    /**
     * A condition bound to a lock that waits on the scheduler's clock. Both methods must be called with the
     * lock held by the caller (exactly once: await releases it fully and re-acquires it).
     */
    interface Signal {

        /**
         * Waits until signalled, interrupted, or the scheduler's clock reaches {@code deadline}; may also
         * return spuriously. Callers re-check their state and the clock in a loop.
         */
        void await(long deadline) throws InterruptedException;

        /** Wakes every thread waiting on this signal. */
        void signalAll();
    }

    /** Registers the calling thread as participant of {@code scheduler} until the result is closed. */
    static Participation participate(Scheduler scheduler) {
        return participate(scheduler, Thread.currentThread());
    }

    /** Registers {@code thread} (not yet started, or the caller) as participant until the result is closed. */
    static Participation participate(Scheduler scheduler, Thread thread) {
        if (scheduler instanceof VirtualTime virtual) {
            return virtual.register(thread);
        }
        return NONE;
    }

    /** A signal for {@code lock} that waits on {@code scheduler}'s clock. */
    static Signal newSignal(Scheduler scheduler, ReentrantLock lock) {
        if (scheduler instanceof VirtualTime virtual) {
            return virtual.newSignal(lock);
        }
        return new SystemSignal(lock);
    }

    /** {@code duration} in nanoseconds, saturating at Long.MAX_VALUE. */
    static long nanos(Duration duration) {
        if (duration.isNegative()) {
            return 0;
        }
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** {@code now + duration}, saturating at NO_DEADLINE; a negative duration gives {@code now}. */
    static long deadline(long now, Duration duration) {
        return plus(now, nanos(duration));
    }

    /** {@code time + nanos} for non-negative nanos, saturating at NO_DEADLINE. */
    static long plus(long time, long nanos) {
        if (time == NO_DEADLINE) {
            return NO_DEADLINE;
        }
        long sum = time + nanos;
        return (nanos > 0 && sum < time) ? NO_DEADLINE : sum;
    }

    /** Whether the clock reading {@code now} has reached {@code deadline}. */
    static boolean reached(long now, long deadline) {
        return deadline != NO_DEADLINE && now - deadline >= 0;
    }

    /** Validates a duration argument of an operator: positive, or zero when {@code zeroAllowed}. */
    static Duration checkDuration(Duration duration, String what, boolean zeroAllowed) {
        if (duration == null) {
            throw new NullPointerException(what);
        }
        if (duration.isNegative() || (!zeroAllowed && duration.isZero())) {
            throw new IllegalArgumentException(what + " must be " + (zeroAllowed ? "zero or more" : "positive")
                    + ": " + duration);
        }
        return duration;
    }

    /** A Signal on the real clock: a Condition of the lock. */
    private static final class SystemSignal implements Signal {

        private final java.util.concurrent.locks.Condition condition;

        SystemSignal(ReentrantLock lock) {
            this.condition = lock.newCondition();
        }

        @Override
        public void await(long deadline) throws InterruptedException {
            if (deadline == NO_DEADLINE) {
                condition.await();
                return;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining > 0) {
                condition.awaitNanos(remaining);
            }
        }

        @Override
        public void signalAll() {
            condition.signalAll();
        }
    }
}
