package dev.tide.flow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Structured concurrency for one collection of a concurrent operator (merge, zip, race, interruptWhen,
 * iterator/stream adapters, and the time and concurrency operators built later).
 *
 * A FlowScope is created inside collect() (never in a field: it is per-run state) and used like this:
 *
 *     try (FlowScope<T> scope = new FlowScope<>("merge", 16)) {
 *         for (Flow<? extends T> source : sources) {
 *             scope.fork(source);                  // each source runs on its own virtual thread
 *         }
 *         scope.drainTo(emitter);                  // the collecting thread emits, in hand-off order
 *     }                                            // close(): cancel what still runs, join every thread
 *
 * Workers and the collecting thread:
 *   - fork() starts a worker on a named virtual thread (FlowThreads). The worker's emitter puts each
 *     element into a bounded hand-off queue shared by all workers of the scope. A full queue blocks the
 *     worker's emit: that is the backpressure. Only the collecting thread takes from the queue and calls
 *     the downstream emitter, so downstream is never called concurrently (Emitter is not thread-safe).
 *   - next() returns the next element, or null once every worker has completed and the queue is empty.
 *
 * Failure and cancellation:
 *   - The first worker failure is queued behind the elements already handed off (so a source's elements
 *     before its failure are delivered, in order), and at that moment every other worker is cancelled.
 *     When the collecting thread reaches it, next() rethrows the worker's own exception, unchanged (its
 *     stack trace is the worker's: the user's frame stays first). Later failures, and failures caused by
 *     the cancellation itself (interrupts), are ignored.
 *   - Cancelling a worker = marking the scope cancelled (a blocked or later emit throws an AbortFlow owned
 *     by this scope, which unwinds the worker's source and runs its finally blocks) and interrupting its
 *     thread (to wake a source blocked elsewhere, e.g. in a sleep or a blocking read). A source that
 *     swallows interrupts and never emits again cannot be stopped and will block close().
 *   - Downstream abort (take(n) downstream, or downstream failing) unwinds the collecting thread out of
 *     drainTo; close() in the finally block cancels every worker.
 *   - close() is idempotent; it returns only when every thread forked by this scope has ended (joined
 *     without giving up on interrupts; the caller's interrupt flag is restored). This is what makes
 *     "every thread the flow started has ended when the terminal operation returns" true.
 *
 * Locking: one ReentrantLock guards the queue and the counters. No user code and no emit runs while it
 * is held; workers block on notFull, the collecting thread on notEmpty.
 *
 * Control entries: offerControl() queues a marker object (behind what is already queued, not counted
 * against the capacity) that nextEntry() hands back to the collecting thread; operators use it to react
 * on the collecting thread to events other than elements (a signal completing, a winner being chosen).
 */
final class FlowScope<T> implements AutoCloseable {

    /** A queued failure (never counted against the capacity). */
    private record Failure(Throwable error) {
    }

    /** A queued control entry (never counted against the capacity). */
    private record Control(Object value) {
    }

    private final String role;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final List<Thread> threads = new ArrayList<>();
    private int elements;
    private int running;
    private boolean cancelled;
    private boolean failed;
    private boolean closed;

    /**
     * @param role names the threads ("tide-flow-&lt;role&gt;-n")
     * @param capacity how many elements the hand-off holds before a worker's emit blocks (at least 1)
     */
    FlowScope(String role, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("hand-off capacity must be positive: " + capacity);
        }
        this.role = role;
        this.capacity = capacity;
    }

    /**
     * Starts a worker that collects {@code source} into this scope (a lambda {@code out -> ...} is a flow,
     * so any worker body can be forked). Does nothing when the scope is already cancelled.
     */
    void fork(Flow<? extends T> worker) {
        lock.lock();
        try {
            if (cancelled) {
                return;
            }
            running++;
            Thread thread = FlowThreads.newThread(role, () -> runWorker(worker));
            threads.add(thread);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    private void runWorker(Flow<? extends T> worker) {
        Throwable failure = null;
        try {
            if (isCancelled()) {
                return; // cancelled before this thread got to run: do not start the source at all
            }
            worker.collect(this::put);
        } catch (AbortFlow e) {
            if (!e.isOwnedBy(this)) {
                failure = e;
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            finishWorker(failure);
        }
    }

    private boolean isCancelled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }

    private void finishWorker(Throwable failure) {
        List<Thread> toInterrupt = List.of();
        lock.lock();
        try {
            running--;
            if (failure != null && !cancelled) {
                failed = true;
                cancelled = true;
                queue.add(new Failure(failure));
                toInterrupt = new ArrayList<>(threads);
                notFull.signalAll();
            }
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        Thread self = Thread.currentThread();
        for (Thread thread : toInterrupt) {
            if (thread != self) {
                thread.interrupt();
            }
        }
    }

    private void put(T value) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!cancelled && elements >= capacity) {
                notFull.await();
            }
            if (cancelled) {
                throw new AbortFlow(this);
            }
            queue.add(value);
            elements++;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a control value for the collecting thread behind what is already queued; it never blocks and
     * does not count against the capacity. {@link #nextEntry()} returns it wrapped so the caller can tell
     * it from an element: see {@link #isControl} and {@link #controlValue}.
     */
    void offerControl(Object value) {
        lock.lock();
        try {
            queue.add(new Control(value));
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code entry}, as returned by {@link #nextEntry()}, is a control value. */
    static boolean isControl(Object entry) {
        return entry instanceof Control;
    }

    /** The value inside a control entry. */
    static Object controlValue(Object entry) {
        return ((Control) entry).value();
    }

    /**
     * The next element for the collecting thread, blocking until there is one; null when every worker has
     * completed and all elements were taken. Rethrows the first worker failure, unchanged.
     * Must not be used on a scope that receives control values (use {@link #nextEntry()}).
     */
    @SuppressWarnings("unchecked")
    T next() throws Exception {
        Object entry = nextEntry();
        if (entry instanceof Control) {
            throw new IllegalStateException("unexpected control entry in " + role);
        }
        return (T) entry;
    }

    /**
     * Like {@link #next()} but also returns control entries (see {@link #offerControl}); an element is
     * returned as itself.
     */
    Object nextEntry() throws Exception {
        Object entry;
        lock.lockInterruptibly();
        try {
            while (true) {
                entry = queue.poll();
                if (entry != null) {
                    if (!(entry instanceof Failure) && !(entry instanceof Control)) {
                        elements--;
                        notFull.signal();
                    }
                    break;
                }
                if (running == 0) {
                    return null;
                }
                notEmpty.await();
            }
        } finally {
            lock.unlock();
        }
        if (entry instanceof Failure f) {
            throw rethrow(f.error());
        }
        return entry;
    }

    /** Emits every element downstream, on the calling thread, until all workers completed. */
    void drainTo(Emitter<? super T> emitter) throws Exception {
        T value;
        while ((value = next()) != null) {
            emitter.emit(value);
        }
    }

    /** Whether a worker has failed (its failure may still be queued behind elements). */
    boolean hasFailed() {
        lock.lock();
        try {
            return failed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops every worker: their emits throw from now on and their threads are interrupted. Does not wait;
     * {@link #close()} does.
     */
    void cancel() {
        List<Thread> toInterrupt;
        lock.lock();
        try {
            cancelled = true;
            notFull.signalAll();
            notEmpty.signalAll();
            toInterrupt = new ArrayList<>(threads);
        } finally {
            lock.unlock();
        }
        Thread self = Thread.currentThread();
        for (Thread thread : toInterrupt) {
            if (thread != self && thread.isAlive()) {
                thread.interrupt();
            }
        }
    }

    /** Cancels what still runs and waits until every forked thread has ended. Idempotent. */
    @Override
    public void close() {
        List<Thread> toJoin;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            toJoin = new ArrayList<>(threads);
        } finally {
            lock.unlock();
        }
        cancel();
        for (Thread thread : toJoin) {
            FlowThreads.joinUninterruptibly(thread);
        }
    }

    /** Throws {@code error} as is when it is unchecked or an Exception; the declared return is for "throw rethrow(e)". */
    static Exception rethrow(Throwable error) {
        if (error instanceof Error e) {
            throw e;
        }
        return (Exception) error;
    }
}
