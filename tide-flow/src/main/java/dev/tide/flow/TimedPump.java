package dev.tide.flow;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Runs an upstream flow on one helper thread and hands its events to the collecting thread, stamped with
 * the scheduler's time at which they happened. It is the one extra thread of debounce, sample, timeout,
 * delay and chunk(n, maxWait): the collecting thread waits for "the next event or a deadline" with next().
 *
 * Why not FlowScope: these operators wait for a deadline on the injected scheduler and need the time at
 * which each element was produced (so that an element that the collecting thread sees late, because it
 * was busy emitting, is still judged by when it arrived). Both the waits and the hand-off go through
 * Clocks.Signal, so on a virtual scheduler the time advances only when the helper and the collecting
 * thread are both waiting.
 *
 * Lifecycle (per collection, created inside collect):
 *   start()  registers the helper as a participant of the scheduler (before it runs) and starts it on a
 *            FlowThreads virtual thread named tide-flow-<role>-n;
 *   next()   (collecting thread) the next event, or null when the deadline is reached first;
 *   close()  (collecting thread, always, in a finally): if the helper has not finished, marks the pump
 *            cancelled (a blocked or later put throws an AbortFlow owned by the pump, which unwinds the
 *            upstream and runs its finally blocks) and interrupts the helper (to wake an upstream blocked
 *            in a sleep or a queue); then waits until the helper has finished and joins its thread. So
 *            the helper never outlives the collection. An upstream that swallows interrupts and never
 *            emits again cannot be stopped and blocks close().
 *
 * The queue holds at most `capacity` elements (a full queue blocks the helper's emit: backpressure); the
 * final event (completion or failure) is always accepted. Failures caused by the cancellation itself are
 * dropped. One ReentrantLock guards the queue; no user code runs while it is held.
 */
final class TimedPump<T> implements AutoCloseable {

    enum Kind { ELEMENT, DONE, FAILED }

    /** One event of the upstream, with the scheduler time at which it happened. */
    record Event<T>(Kind kind, T value, Throwable error, long stamp) {
    }

    private final Flow<? extends T> upstream;
    private final Scheduler scheduler;
    private final String role;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Clocks.Signal notEmpty;
    private final Clocks.Signal notFull;
    private final Clocks.Signal finishedSignal;
    private final ArrayDeque<Event<T>> queue = new ArrayDeque<>();
    private int elements;
    private boolean cancelled;
    private boolean finished;
    private Thread thread;

    TimedPump(Flow<? extends T> upstream, Scheduler scheduler, String role, int capacity) {
        this.upstream = upstream;
        this.scheduler = scheduler;
        this.role = role;
        this.capacity = capacity;
        this.notEmpty = Clocks.newSignal(scheduler, lock);
        this.notFull = Clocks.newSignal(scheduler, lock);
        this.finishedSignal = Clocks.newSignal(scheduler, lock);
    }

    /** Starts the helper thread. Call once, inside a try-with-resources that closes this pump. */
    TimedPump<T> start() {
        Clocks.Participation[] participation = new Clocks.Participation[1];
        Thread helper = FlowThreads.newThread(role, () -> run(participation[0]));
        participation[0] = Clocks.participate(scheduler, helper);
        thread = helper;
        helper.start();
        return this;
    }

    private void run(Clocks.Participation participation) {
        Event<T> last;
        try {
            try {
                upstream.collect(this::put);
                last = new Event<>(Kind.DONE, null, null, scheduler.nanoTime());
            } catch (AbortFlow e) {
                last = ownAbort(e) ? null : new Event<>(Kind.FAILED, null, e, scheduler.nanoTime());
            } catch (Throwable t) {
                last = new Event<>(Kind.FAILED, null, t, scheduler.nanoTime());
            }
            lock.lock();
            try {
                if (last != null && !cancelled) {
                    queue.add(last);
                }
                finished = true;
                notEmpty.signalAll();
                finishedSignal.signalAll();
            } finally {
                lock.unlock();
            }
        } finally {
            participation.close();
        }
    }

    private boolean ownAbort(AbortFlow e) {
        try {
            AbortFlow.rethrowUnlessOwnedBy(e, this);
            return true;
        } catch (AbortFlow other) {
            return false;
        }
    }

    private void put(T value) throws InterruptedException {
        lock.lock();
        try {
            while (!cancelled && elements >= capacity) {
                notFull.await(Clocks.NO_DEADLINE);
            }
            if (cancelled) {
                throw new AbortFlow(this);
            }
            queue.add(new Event<>(Kind.ELEMENT, value, null, scheduler.nanoTime()));
            elements++;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next event, blocking until there is one; null if the scheduler's clock reaches {@code deadline}
     * while nothing is queued ({@link Clocks#NO_DEADLINE} waits without a deadline).
     */
    Event<T> next(long deadline) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                Event<T> event = queue.poll();
                if (event != null) {
                    if (event.kind() == Kind.ELEMENT) {
                        elements--;
                        notFull.signalAll();
                    }
                    return event;
                }
                if (Clocks.reached(scheduler.nanoTime(), deadline)) {
                    return null;
                }
                if (finished) {
                    throw new IllegalStateException(role + ": next() called after the final event");
                }
                notEmpty.await(deadline);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the helper if it still runs and waits until its thread has ended. Idempotent. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        lock.lock();
        try {
            if (!finished) {
                cancelled = true;
                notFull.signalAll();
                thread.interrupt();
            }
            while (!finished) {
                try {
                    finishedSignal.await(Clocks.NO_DEADLINE);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            lock.unlock();
        }
        FlowThreads.joinUninterruptibly(thread);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rethrows a failure event's error unchanged (an Exception or an Error). */
    static Exception rethrow(Throwable error) throws Exception {
        if (error instanceof Error e) {
            throw e;
        }
        throw (Exception) error;
    }
}
