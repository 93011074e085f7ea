package dev.tide.stdio;

import dev.tide.Message;
import dev.tide.StreamException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * One consumer's queue. Producers of entries (the input reader, the output writer in loopback mode, a
 * group member's close) never block: the queue is unbounded, as in SeaStreamer, because a blocking hand-off
 * would let one slow consumer stall every other consumer of the same input.
 *
 * States: open → ended (an end cause is set; queued messages are still delivered, then every read throws
 * the cause) and open/ended → closed (reads throw CLOSED at once; nothing more is accepted). The lock
 * guards the deque and the two state fields only.
 */
final class Mailbox {

    /**
     * A queued message.
     *
     * @param message the message
     * @param broadcast whether it came from a line without a stream key (delivered to every consumer)
     */
    record Entry(Message message, boolean broadcast) {
    }

    private final String owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private StreamException end;
    private boolean closed;

    /**
     * @param owner names the consumer in error messages
     */
    Mailbox(String owner) {
        this.owner = owner;
    }

    /** Queues a message, unless the mailbox has ended or is closed. Never blocks. */
    void put(Entry entry) {
        lock.lock();
        try {
            if (!closed && end == null) {
                entries.addLast(entry);
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Ends the mailbox: reads drain what is queued, then throw an exception like {@code cause}. */
    void end(StreamException cause) {
        lock.lock();
        try {
            if (end == null) {
                end = cause;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the mailbox: blocked and later reads throw {@link StreamException.Kind#CLOSED}.
     *
     * @return the entries that were queued and never read
     */
    List<Entry> close() {
        lock.lock();
        try {
            closed = true;
            List<Entry> left = new ArrayList<>(entries);
            entries.clear();
            changed.signalAll();
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the next message, waiting as long as needed. */
    Message take() {
        lock.lock();
        try {
            while (true) {
                Message m = next();
                if (m != null) {
                    return m;
                }
                changed.await();
            }
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "waiting for the next message of " + owner);
        } finally {
            lock.unlock();
        }
    }

    /** Takes the next message, waiting at most {@code timeout}. */
    Optional<Message> poll(Duration timeout) {
        long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        lock.lock();
        try {
            while (true) {
                Message m = next();
                if (m != null) {
                    return Optional.of(m);
                }
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = changed.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "polling for the next message of " + owner);
        } finally {
            lock.unlock();
        }
    }

    /** The number of queued messages. */
    int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the head message, null if none yet, or the terminal exception. */
    private Message next() {
        if (closed) {
            throw new StreamException(StreamException.Kind.CLOSED, owner + " is closed");
        }
        Entry e = entries.pollFirst();
        if (e != null) {
            return e.message();
        }
        if (end != null) {
            throw new StreamException(end.kind(), end.getMessage(), end);
        }
        return null;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
