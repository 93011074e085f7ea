package dev.tide.flow;

import java.time.Duration;

/**
 * A {@link Scheduler} on virtual time, for tests (Tide's own and yours): time operators, retry back-off
 * and circuit breakers run without real waiting, and a flow produces the same sequence on every run.
 *
 * <p>The clock starts at zero and moves only in two ways:
 * <ul>
 *   <li>{@link #advanceBy(Duration)}: the caller moves it forward;</li>
 *   <li>auto-advance (only for a scheduler made by {@link #autoAdvancing()}): when every
 *       <em>participant</em> is waiting on this scheduler and at least one of them waits for a deadline,
 *       the clock jumps to the earliest deadline and wakes the threads waiting for it. Then it waits
 *       again until every participant is waiting before jumping to the next deadline.</li>
 * </ul>
 * Because the clock never moves while a participant is working, whatever a participant reads from
 * {@link #nanoTime()} and does between two waits happens at one instant; the order of events is fixed by
 * the deadlines alone, not by how the threads are scheduled.
 *
 * <p><b>Participants.</b> A thread takes part while it collects a flow through one of Tide's time
 * operators (the thread that runs the terminal operation, and every thread those operators start), while
 * it is registered with {@link #participate()} or was started by {@link #startParticipant(Runnable)}, and
 * while it waits in {@link #sleep}/{@link #sleepUntil} or in a {@link FlowQueue} built with this scheduler.
 * A thread that only calls {@link #sleep} takes part just for the sleep: it is woken in deadline order,
 * but afterwards time may move on while it keeps working. So a test that runs work on threads of its own
 * starts them with {@link #startParticipant(Runnable)}: otherwise time may jump ahead before such a thread
 * has even started. A participant blocked on something this
 * scheduler does not see (a lock, a plain {@link java.util.concurrent.BlockingQueue}, the hand-off of a
 * concurrent operator that is not time-aware, I/O) counts as busy and holds time still; if it waits for
 * something that only happens later in virtual time, the test hangs. Keep virtual-time tests to flows of
 * time operators, plain operators and scheduler-aware queues.
 *
 * <p>All methods are thread-safe.
 */
public sealed interface VirtualScheduler extends Scheduler permits VirtualTime {

    /**
     * A virtual scheduler that also moves its clock by itself, as described above. This is the one to use
     * for testing flows: a terminal operation simply returns what the flow emits on virtual time.
     *
     * @return a new scheduler whose clock reads zero
     */
    static VirtualScheduler autoAdvancing() {
        return new VirtualTime(true);
    }

    /**
     * A virtual scheduler whose clock moves only through {@link #advanceBy}. Suited to components without
     * threads of their own, such as a {@link CircuitBreaker} or a {@link RetryPolicy}'s delays.
     *
     * @return a new scheduler whose clock reads zero
     */
    static VirtualScheduler manual() {
        return new VirtualTime(false);
    }

    /**
     * Registers the calling thread as a participant until the result is closed: while it is registered and
     * not waiting on this scheduler, the clock does not move. Registrations nest.
     *
     * @return the registration; close it on the same thread, in a finally block or try-with-resources
     */
    Participation participate();

    /**
     * Starts a virtual thread that runs {@code body} as a participant: it is registered before it starts
     * and until {@code body} returns, so the clock cannot move past anything it is about to do.
     *
     * @param body what the thread runs
     * @return the started thread (join it to wait for the body)
     */
    Thread startParticipant(Runnable body);

    /**
     * Moves the clock forward by {@code duration}. Every waiter whose deadline falls within is woken in
     * deadline order; before each step, and before returning, this call blocks until every participant
     * (other than the caller) is waiting again, so the effects of each step are complete when it returns.
     *
     * @param duration how far to move, zero or more
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws FlowException of kind {@code INTERRUPTED} if the caller is interrupted while waiting for the
     *     participants
     */
    void advanceBy(Duration duration);

    /**
     * How much virtual time has passed since this scheduler was created. Never blocks.
     *
     * @return the elapsed virtual time
     */
    Duration elapsed();

    /**
     * Whether the clock also advances by itself.
     *
     * @return true for a scheduler made by {@link #autoAdvancing()}
     */
    boolean isAutoAdvancing();

    /** A thread's registration as participant of a virtual scheduler; see {@link #participate()}. */
    interface Participation extends AutoCloseable {

        /** Ends the registration. Idempotent. */
        @Override
        void close();
    }
}
