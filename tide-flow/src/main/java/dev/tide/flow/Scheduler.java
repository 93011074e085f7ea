package dev.tide.flow;

import java.time.Duration;

/**
 * The source of time for Tide's time operators, retry back-off and circuit breakers: a monotonic clock
 * and a way to wait until a point on it.
 *
 * <p>Two implementations exist. {@link #system()} reads {@link System#nanoTime()} and blocks the calling
 * thread (virtual threads park without holding a carrier). {@link #virtual()} is a {@link VirtualScheduler}
 * whose clock moves only when told to, or when every thread taking part in the flow is waiting for it;
 * tests use it so that time operators run without sleeping and always produce the same sequence.
 *
 * <p>Every time operator of {@link Flow} has an overload taking a scheduler; without one it uses
 * {@link #system()}. The interface is sealed: the operators cooperate with the virtual scheduler's
 * bookkeeping, which a third implementation could not do.
 *
 * <p>All methods are thread-safe.
 */
public sealed interface Scheduler permits SystemScheduler, VirtualScheduler {

    /**
     * The scheduler on the real clock. Never blocks except in {@link #sleep} and {@link #sleepUntil}.
     *
     * @return the shared system scheduler
     */
    static Scheduler system() {
        return SystemScheduler.INSTANCE;
    }

    /**
     * A new auto-advancing virtual scheduler, see {@link VirtualScheduler#autoAdvancing()}.
     *
     * @return a scheduler whose clock starts at zero
     */
    static VirtualScheduler virtual() {
        return VirtualScheduler.autoAdvancing();
    }

    /**
     * The current time of this scheduler's monotonic clock in nanoseconds. Only differences between two
     * readings mean something; the origin is arbitrary (zero for a virtual scheduler). Never blocks.
     *
     * @return the current time in nanoseconds
     */
    long nanoTime();

    /**
     * Blocks the calling thread until {@link #nanoTime()} has reached {@code deadlineNanos}. Returns at once
     * when it already has.
     *
     * @param deadlineNanos the time to wait for, on this scheduler's clock
     * @throws InterruptedException if the thread is interrupted while waiting (its flag is then clear)
     */
    void sleepUntil(long deadlineNanos) throws InterruptedException;

    /**
     * Blocks the calling thread for {@code duration} of this scheduler's time.
     *
     * @param duration how long to wait; zero or negative returns at once
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    default void sleep(Duration duration) throws InterruptedException {
        sleepUntil(Clocks.deadline(nanoTime(), duration));
    }
}
