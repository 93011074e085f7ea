package dev.tide.cli;

import java.util.concurrent.TimeUnit;

/**
 * A monotonic time source that can wait: real time in the command line, virtual time in tests (a test
 * pacer jumps to the deadline instead of waiting).
 */
interface Pacer {

    /** Now, in nanoseconds from an arbitrary origin; only differences are meaningful. */
    long nanoTime();

    /**
     * Blocks until {@link #nanoTime()} has reached {@code deadline}; returns at once if it already has.
     *
     * @param deadline a {@link #nanoTime()} value
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleepUntil(long deadline) throws InterruptedException;

    /** Real time: {@link System#nanoTime()}, and sleeping. */
    static Pacer system() {
        return SystemPacer.INSTANCE;
    }

    /** The real-time pacer. */
    enum SystemPacer implements Pacer {
        INSTANCE;

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) throws InterruptedException {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
        }
    }
}
