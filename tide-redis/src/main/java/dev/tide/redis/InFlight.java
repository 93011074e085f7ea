package dev.tide.redis;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The producer's count of commands written but not answered, bounded by {@code redis.max-in-flight}.
 *
 * <p>Why not a {@link java.util.concurrent.Semaphore}: the sender waits for many permits at once (a
 * flush waits for all of them), and a semaphore wakes the waiter on every release to let it re-check;
 * at tens of thousands of answers per second that is a wake-up of the sender per answer. Here an answer
 * costs one atomic decrement and one volatile read, and wakes the sender only once the count is down to
 * what it waits for.
 *
 * <p>One thread acquires and waits (the producer's sender); any thread releases. The waiter publishes
 * itself and the count it waits for before re-reading the count, and a releaser decrements before
 * reading them (all volatile), so a wake-up cannot be missed; the releaser that takes the waiter (a CAS)
 * is the only one that unparks it.
 */
final class InFlight {

    private static final VarHandle WAITER;

    static {
        try {
            WAITER = MethodHandles.lookup().findVarHandle(InFlight.class, "waiter", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int max;
    /** How many permits a sender that ran out waits for at least, so it is not woken for every answer. */
    private final int refill;
    private final AtomicInteger count = new AtomicInteger();
    private volatile Thread waiter;
    /** The count the waiter waits for, or -1 when nobody waits. */
    private volatile int target = -1;

    /**
     * @param max the most permits taken at once
     * @param refill when none is free, how many to wait for before taking one (at least 1, at most max)
     */
    InFlight(int max, int refill) {
        this.max = max;
        this.refill = Math.max(1, Math.min(refill, max));
    }

    /** Sender only: takes a permit if one is free. */
    boolean tryAcquire() {
        if (count.get() >= max) {
            return false;
        }
        count.incrementAndGet();
        return true;
    }

    /** Sender only: takes a permit, waiting until {@code refill} are free (not interruptible). */
    void acquire() {
        awaitAtMost(max - refill);
        count.incrementAndGet();
    }

    /** Any thread: gives a permit back. */
    void release() {
        int now = count.decrementAndGet();
        if (now <= target && waiter != null) {
            Thread w = (Thread) WAITER.getAndSet(this, null);
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    /** Sender only: waits until no permit is taken (every command written so far answered). Not interruptible. */
    void awaitNone() {
        awaitAtMost(0);
    }

    /** Whether a permit is taken. */
    boolean busy() {
        return count.get() > 0;
    }

    private void awaitAtMost(int limit) {
        if (count.get() <= limit) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        target = limit;
        try {
            while (count.get() > limit) {
                waiter = Thread.currentThread();
                if (count.get() > limit) {
                    LockSupport.park(this);
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
        } finally {
            target = -1;
            waiter = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
