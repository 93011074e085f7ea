package dev.tide.file;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * "The file may have grown": a version number the file's writer in this process bumps after each
 * write, and readers wait on. Readers also wake on a timeout to look for other processes' writes.
 * Thread-safe; the number is volatile (a reader looks at it before every frame), the lock only pairs
 * bumps with waits.
 */
final class FileSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile long version;

    long version() {
        return version;
    }

    void bump() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the version differs from {@code seen} or the time is up.
     *
     * @return the version now
     */
    long await(long seen, long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (version == seen && left > 0) {
                left = changed.awaitNanos(left);
            }
            return version;
        } finally {
            lock.unlock();
        }
    }

    static long millisToNanos(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }
}
