package dev.tide.kafka;

import dev.tide.StreamException;
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
 * <p>Design: a queue of batches, each with the index of its next record. Taking a record is an index
 * increment under the lock; turning it into a message is left to the taker, outside the lock, so the
 * consumer's thread only fetches. Records stay in the shared queue until they are taken (no taker holds
 * a private batch), so that removing a partition's records is exact: nothing of a partition given up is
 * returned after {@link #removeIf} returns.
 *
 * <p>One {@link ReentrantLock} guards the queue and the end state; {@code nonEmpty} is signalled when
 * records arrive or the buffer ends. Nothing blocks while holding the lock except the condition wait.
 *
 * @param <T> the record type
 */
final class HandOff<T> {

    /** A batch and the index of its next record. */
    private static final class Batch<T> {
        List<T> items;
        int next;

        Batch(List<T> items) {
            this.items = items;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<Batch<T>> queue = new ArrayDeque<>();
    /** Set when the consumer stops: CLOSED, or the failure that stopped its thread. */
    private StreamException end;
    /** Whether {@link #end} is thrown before the buffered records are taken (true for CLOSED). */
    private boolean endNow;
    /** Records not taken yet; written under the lock, read without it. */
    private volatile int size;

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
            queue.addLast(new Batch<>(batch));
            size = size + batch.size();
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the buffered records that match (their partition was given up or repositioned). */
    void removeIf(Predicate<? super T> filter) {
        lock.lock();
        try {
            int left = 0;
            for (var it = queue.iterator(); it.hasNext(); ) {
                Batch<T> b = it.next();
                List<T> kept = new ArrayList<>(b.items.size() - b.next);
                for (int i = b.next; i < b.items.size(); i++) {
                    T item = b.items.get(i);
                    if (!filter.test(item)) {
                        kept.add(item);
                    }
                }
                if (kept.isEmpty()) {
                    it.remove();
                } else {
                    b.items = kept;
                    b.next = 0;
                    left += kept.size();
                }
            }
            size = left;
        } finally {
            lock.unlock();
        }
    }

    /** How many records are waiting; read without the lock. */
    int size() {
        return size;
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
        lock.lock();
        try {
            while (true) {
                if (end != null && (endNow || queue.isEmpty())) {
                    throw new StreamException(end.kind(), end.getMessage(), end);
                }
                Batch<T> head = queue.peekFirst();
                if (head != null) {
                    T item = head.items.get(head.next++);
                    if (head.next == head.items.size()) {
                        queue.pollFirst();
                    }
                    size = size - 1;
                    return item;
                }
                if (forever) {
                    nonEmpty.await();
                } else {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    nonEmpty.awaitNanos(left);
                }
            }
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "waiting for a Kafka message");
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
                    queue.clear();
                    size = 0;
                }
            }
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
