package dev.tide.stdio;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place this module creates threads: named virtual threads, {@code tide-stdio-<role>-<n>}.
 * The roles are {@code reader} (one per input stream, see {@link InputHub}) and {@code writer} (one per
 * output stream, see {@link OutputHub}).
 */
final class StdioThreads {

    private static final AtomicLong COUNTER = new AtomicLong();

    private StdioThreads() {
    }

    /**
     * Starts a virtual thread.
     *
     * @param role what the thread does, part of its name
     * @param task the work; it must catch its own failures
     * @return the started thread
     */
    static Thread start(String role, Runnable task) {
        return Thread.ofVirtual().name("tide-stdio-" + role + "-" + COUNTER.incrementAndGet()).start(task);
    }
}
