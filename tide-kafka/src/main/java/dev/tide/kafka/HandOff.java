package dev.tide.kafka;

import dev.tide.StreamException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The records a consumer's thread has fetched and the application has not taken yet. The consumer's
 * thread adds whole batches (the lists kafka-clients returns for a partition, not copied) and removes the
 * records of partitions it gives up; any number of application threads take records one at a time. It
 * has no hard bound: the consumer's thread pauses fetching when {@link #size()} reaches the consumer's
 * buffer size.
 *
 * <p>Design: the batch takers read from, {@code head}, and a queue of the batches after it. Taking a
 * record from the head batch is one atomic increment of the batch's index, without the lock (several
 * takers get distinct indices); only a taker that finds the head batch used up takes the lock, to move
 * to the next batch or wait. Turning a record into a message is left to the taker, so the consumer's
 * thread only fetches. Records stay in the shared batches until they are taken (no taker holds a private
 * batch), so that {@link #removeIf} is exact: it first <em>closes</em> the head batch (sets its index past
 * its end, so that no further take succeeds on it), then puts the records nobody had claimed, filtered,
 * in a new head batch. A take that claimed its record before that returns it, as if it had taken it just
 * before the removal; no take starting after {@code removeIf} returns gets a removed record.
 *
 * <p>The hand-off also holds the <em>fetch token</em>: the right to use the source of the records (the
 * Kafka consumer, which allows one thread at a time). The consumer's thread takes it with
 * {@link #tryFetch()}; a taker that finds no record and may fetch itself ({@link Fetcher}) takes it
 * inside {@link #take(long, boolean, Fetcher)}, fetches without the lock, gives it back and takes
 * again, so that a single application thread reads without any hand-over between threads. A taker that
 * finds the token held waits, as for records; giving the token back wakes the waiters.
 *
 * <p>One {@link ReentrantLock} guards {@code head} changes, the queue, the end state and the token;
 * {@code nonEmpty} is signalled when records arrive, the buffer ends or the token is given back. Nothing
 * blocks while holding the lock except the condition wait (fetching happens outside it).
 *
 * @param <T> the record type
 */
final class HandOff<T> {

    /** A batch and the index of its next record, claimed by atomic increments. */
    private static final class Batch<T> {
        private static final VarHandle NEXT;

        static {
            try {
                NEXT = MethodHandles.lookup().findVarHandle(Batch.class, "next", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** An index past the end of any batch (a list has fewer than this many elements), far from overflow. */
        private static final int CLOSED = Integer.MAX_VALUE / 2;

        final List<T> items;
        final int size;
        /** Only incremented (or set to {@link #CLOSED}); a batch stays head only while takers can use it. */
        private volatile int next;

        Batch(List<T> items) {
            this.items = items;
            this.size = items.size();
        }

        /** The next record, or null if none is left. */
        T claim() {
            int i = (int) NEXT.getAndAdd(this, 1);
            return i < size ? items.get(i) : null;
        }

        /** Stops all further claims and returns the index of the first record nobody claimed. */
        int close() {
            return Math.min(size, (int) NEXT.getAndSet(this, CLOSED));
        }

        int left() {
            return Math.max(0, size - next);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    /** The batch takers claim from; written under the lock, read without it. */
    private volatile Batch<T> head;
    /** The batches after {@link #head}; nobody claims from them yet. */
    private final ArrayDeque<Batch<T>> queue = new ArrayDeque<>();
    /** How many records {@link #queue} holds; written under the lock, read without it. */
    private volatile int queued;
    /** Set when the consumer stops: CLOSED, or the failure that stopped its thread. */
    private StreamException end;
    /** Whether {@link #end} is thrown before the buffered records are taken (true for CLOSED). */
    private boolean endNow;
    /** The thread holding the fetch token, or null; written under the lock, read without it. */
    private volatile Thread fetching;
    /** How many takers wait because another thread holds the fetch token (and they could fetch). */
    private int waitingForToken;
    /** When a taker last began such a wait ({@link System#nanoTime()}). */
    private long tokenWantedAt = System.nanoTime() - Long.MAX_VALUE / 2;

    /** A taker's way of fetching records itself (see {@link #take(long, boolean, Fetcher)}). */
    interface Fetcher {
        /**
         * Whether the calling thread may fetch now. Called under the hand-off's lock: must not block.
         */
        boolean mayFetch();

        /**
         * Fetches, waiting at most {@code timeoutNanos}, and {@link #add}s what it got. Called without the
         * lock while the calling thread holds the fetch token.
         */
        void fetch(long timeoutNanos);

        /** Called after the token taken for {@link #fetch} was given back. */
        void released();
    }

    /**
     * Appends a batch and wakes waiting takers. The list must not change afterwards.
     *
     * @param batch the records, in order
     */
    void add(List<T> batch) {
        if (batch.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            if (end != null) {
                return;
            }
            Batch<T> b = new Batch<>(batch);
            Batch<T> h = head;
            if (queue.isEmpty() && (h == null || h.left() == 0)) {
                // A used-up head can be replaced: its index never goes back, so no take could succeed on it.
                head = b;
            } else {
                queue.addLast(b);
                queued = queued + b.size;
            }
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the buffered records that match (their partition was given up or repositioned). */
    void removeIf(Predicate<? super T> filter) {
        lock.lock();
        try {
            List<Batch<T>> kept = new ArrayList<>();
            Batch<T> h = head;
            if (h != null) {
                keep(h.items, h.close(), filter, kept);
            }
            for (Batch<T> b : queue) {
                keep(b.items, 0, filter, kept);
            }
            queue.clear();
            int count = 0;
            for (int i = 1; i < kept.size(); i++) {
                queue.addLast(kept.get(i));
                count += kept.get(i).size;
            }
            queued = count;
            head = kept.isEmpty() ? null : kept.get(0);
        } finally {
            lock.unlock();
        }
    }

    private static <T> void keep(List<T> items, int from, Predicate<? super T> filter, List<Batch<T>> kept) {
        List<T> left = new ArrayList<>(items.size() - from);
        for (int i = from; i < items.size(); i++) {
            T item = items.get(i);
            if (!filter.test(item)) {
                left.add(item);
            }
        }
        if (!left.isEmpty()) {
            kept.add(new Batch<>(left));
        }
    }

    /** How many records are waiting; read without the lock, so only about right while takers take. */
    int size() {
        Batch<T> h = head;
        return queued + (h == null ? 0 : h.left());
    }

    /**
     * Takes the next record, waiting until {@code deadline}.
     *
     * @param deadlineNanos a {@link System#nanoTime()} deadline
     * @param forever ignore the deadline
     * @return the record, or null if none came in time
     * @throws StreamException the end state once reached (CLOSED at once, a failure after the buffered
     *     records), or INTERRUPTED
     */
    T take(long deadlineNanos, boolean forever) {
        return take(deadlineNanos, forever, null);
    }

    /**
     * Takes the next record, waiting until {@code deadline}; when none is buffered, the fetch token is
     * free and {@code fetcher} allows it, fetches on the calling thread instead of waiting.
     *
     * @param deadlineNanos a {@link System#nanoTime()} deadline
     * @param forever ignore the deadline
     * @param fetcher how to fetch, or null to only wait
     * @return the record, or null if none came in time
     * @throws StreamException the end state once reached (CLOSED at once, a failure after the buffered
     *     records), or INTERRUPTED
     */
    T take(long deadlineNanos, boolean forever, Fetcher fetcher) {
        Batch<T> h = head;
        if (h != null) {
            T item = h.claim();
            if (item != null) {
                return item;
            }
        }
        while (true) {
            Object got = takeLocked(deadlineNanos, forever, fetcher);
            if (!(got instanceof Fetch fetch)) {
                @SuppressWarnings("unchecked")
                T item = (T) got;
                return item;
            }
            try {
                fetcher.fetch(fetch.nanos());
            } finally {
                release();
                fetcher.released();
            }
        }
    }

    /** What {@link #takeLocked} returns when the calling thread got the fetch token: fetch for this long. */
    private record Fetch(long nanos) {
    }

    /**
     * Waits for a record, the end, or the fetch token. Returns the record, null (the deadline passed),
     * or a {@link Fetch} once the calling thread holds the token.
     */
    private Object takeLocked(long deadlineNanos, boolean forever, Fetcher fetcher) {
        lock.lock();
        try {
            while (true) {
                if (end != null && endNow) {
                    throw new StreamException(end.kind(), end.getMessage(), end);
                }
                Batch<T> h = head;
                if (h != null) {
                    T item = h.claim();
                    if (item != null) {
                        return item;
                    }
                    // Used up: move on (or leave no head, so that takers come here instead of claiming).
                    Batch<T> next = queue.pollFirst();
                    if (next != null) {
                        queued = queued - next.size;
                    }
                    head = next;
                    if (next != null) {
                        continue;
                    }
                }
                if (end != null) {
                    throw new StreamException(end.kind(), end.getMessage(), end);
                }
                long left = forever ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                boolean couldFetch = fetcher != null && fetcher.mayFetch();
                if (couldFetch && fetching == null) {
                    fetching = Thread.currentThread();
                    return new Fetch(left);
                }
                if (couldFetch) {
                    waitingForToken++;
                    tokenWantedAt = System.nanoTime();
                }
                try {
                    if (forever) {
                        nonEmpty.await();
                    } else {
                        nonEmpty.awaitNanos(left);
                    }
                } finally {
                    if (couldFetch) {
                        waitingForToken--;
                    }
                }
            }
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "waiting for a Kafka message");
        } finally {
            lock.unlock();
        }
    }

    /** Takes the fetch token if it is free. */
    boolean tryFetch() {
        lock.lock();
        try {
            if (fetching != null) {
                return false;
            }
            fetching = Thread.currentThread();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the fetch token, waiting for its holder to give it back, uninterruptibly (the consumer's
     * thread must not use the Kafka consumer before; an interrupt stays set).
     */
    void awaitFetch() {
        lock.lock();
        try {
            while (fetching != null) {
                nonEmpty.awaitUninterruptibly();
            }
            fetching = Thread.currentThread();
        } finally {
            lock.unlock();
        }
    }

    /** Gives the fetch token back (the calling thread holds it) and wakes the waiting takers. */
    void release() {
        lock.lock();
        try {
            fetching = null;
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether some thread holds the fetch token (read without the lock). */
    boolean fetching() {
        return fetching != null;
    }

    /** Whether a taker waits for the fetch token, or began to wait for it less than {@code nanos} ago. */
    boolean tokenWanted(long nanos) {
        lock.lock();
        try {
            return waitingForToken > 0 || System.nanoTime() - tokenWantedAt < nanos;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the buffer: takers get {@code error}, at once if {@code now}, else after the buffered
     * records. The first end wins.
     */
    void end(StreamException error, boolean now) {
        lock.lock();
        try {
            if (end == null) {
                end = error;
                endNow = now;
                if (now) {
                    Batch<T> h = head;
                    if (h != null) {
                        h.close();
                    }
                    head = null;
                    queue.clear();
                    queued = 0;
                }
            }
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
