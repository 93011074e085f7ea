package dev.tide.file;

import dev.tide.StreamException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-off between a reader thread and a consumer's {@code next()} callers. The reader
 * blocks while it is full (backpressure); takers block while it is empty. After the last message a
 * terminal exception (ENDED, or the read error) is thrown to every taker. Thread-safe; the lock guards
 * the deque and flags only, waiting happens on its conditions.
 */
final class MessageQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<FileMessage> items = new ArrayDeque<>();
    private final int capacity;
    private StreamException terminal;
    private StreamException closed;
    private boolean refusePuts;
    private boolean putWaiting;

    MessageQueue(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /**
     * Adds a message, blocking while the queue is full.
     *
     * @return false if the queue is closed or puts are refused (the reader is being stopped)
     */
    boolean put(FileMessage m) {
        lock.lock();
        try {
            if (!awaitRoom()) {
                return false;
            }
            items.addLast(m);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds messages in order, taking the lock and waking a taker once for all of them; blocks while the
     * queue is full (then it may hold up to {@code n - 1} messages more than its capacity).
     *
     * @return false, having added none, if the queue is closed or puts are refused
     */
    boolean putAll(FileMessage[] ms, int n) {
        lock.lock();
        try {
            if (!awaitRoom()) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                items.addLast(ms[i]);
            }
            notEmpty.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: waits while full; false if puts are refused. */
    private boolean awaitRoom() {
        while (items.size() >= capacity && closed == null && !refusePuts) {
            putWaiting = true;
            notFull.awaitUninterruptibly();
        }
        return closed == null && !refusePuts;
    }

    /** Puts messages in front, in order (messages taken over from another group member). */
    void putFirst(List<FileMessage> ms) {
        lock.lock();
        try {
            for (int i = ms.size() - 1; i >= 0; i--) {
                items.addFirst(ms.get(i));
            }
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the queue: takers get {@code e} once the messages before it are taken. */
    void finish(StreamException e) {
        lock.lock();
        try {
            if (terminal == null) {
                terminal = e;
            }
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Makes blocked and later {@link #put}s return false, or accept again. */
    void refusePuts(boolean refuse) {
        lock.lock();
        try {
            refusePuts = refuse;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether puts are being refused (the reader is being stopped). */
    boolean isRefusing() {
        lock.lock();
        try {
            return refusePuts;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next message.
     *
     * @param nanos how long to wait; negative waits as long as it takes
     * @return the message, or null if none came in time
     * @throws StreamException the terminal exception once the queue is drained, CLOSED after close
     */
    FileMessage take(long nanos) {
        lock.lock();
        try {
            long left = nanos;
            while (true) {
                if (closed != null) {
                    throw new StreamException(closed.kind(), closed.getMessage());
                }
                FileMessage m = items.pollFirst();
                if (m != null) {
                    if (putWaiting && items.size() <= capacity / 2) {
                        putWaiting = false; // wake the reader once there is room for a good batch
                        notFull.signal();
                    }
                    return m;
                }
                if (terminal != null) {
                    throw new StreamException(terminal.kind(), terminal.getMessage(), terminal.getCause());
                }
                if (nanos >= 0 && left <= 0) {
                    return null;
                }
                try {
                    if (nanos < 0) {
                        notEmpty.await();
                    } else {
                        left = notEmpty.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    throw StreamException.interrupted(e, "waiting for the next message");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every message not yet taken, and forgets a terminal state. */
    List<FileMessage> drain() {
        lock.lock();
        try {
            List<FileMessage> out = new ArrayList<>(items);
            items.clear();
            terminal = null;
            putWaiting = false;
            notFull.signalAll();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The first message not yet taken, if any. */
    Optional<FileMessage> peek() {
        lock.lock();
        try {
            return Optional.ofNullable(items.peekFirst());
        } finally {
            lock.unlock();
        }
    }

    /** Closes: takers and putters fail with {@code reason}. */
    void close(StreamException reason) {
        lock.lock();
        try {
            if (closed == null) {
                closed = reason;
            }
            items.clear();
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
