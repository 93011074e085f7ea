package dev.tide.kafka;

import dev.tide.Message;
import dev.tide.StreamException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The messages a consumer's thread has fetched and the application has not taken yet. The consumer's
 * thread adds whole batches and removes the messages of partitions it gives up; any number of
 * application threads take messages one at a time. It has no hard bound: the consumer's thread pauses
 * fetching when {@link #size()} reaches the consumer's buffer size.
 *
 * <p>One {@link ReentrantLock} guards the queue and the end state; {@code nonEmpty} is signalled when
 * messages arrive or the buffer ends. Nothing blocks while holding the lock except the condition wait.
 */
final class HandOff {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    /** Set when the consumer stops: CLOSED, or the failure that stopped its thread. */
    private StreamException end;
    /** Whether {@link #end} is thrown before the buffered messages are taken (true for CLOSED). */
    private boolean endNow;
    private volatile int size;

    /** Appends a batch and wakes waiting takers. */
    void addAll(List<Message> batch) {
        if (batch.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            if (end != null) {
                return;
            }
            queue.addAll(batch);
            size = queue.size();
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the buffered messages that match (their partition was given up or repositioned). */
    void removeIf(Predicate<Message> filter) {
        lock.lock();
        try {
            queue.removeIf(filter);
            size = queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many messages are waiting; read without the lock. */
    int size() {
        return size;
    }

    /**
     * Takes the next message, waiting until {@code deadline}.
     *
     * @param deadlineNanos a {@link System#nanoTime()} deadline
     * @param forever ignore the deadline
     * @return the message, or null if none came in time
     * @throws StreamException the end state once reached (CLOSED at once, a failure after the buffered
     *     messages), or INTERRUPTED
     */
    Message take(long deadlineNanos, boolean forever) {
        lock.lock();
        try {
            while (true) {
                if (end != null && (endNow || queue.isEmpty())) {
                    throw new StreamException(end.kind(), end.getMessage(), end);
                }
                Message m = queue.pollFirst();
                if (m != null) {
                    size = queue.size();
                    return m;
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
     * messages. The first end wins.
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
