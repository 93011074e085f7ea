package dev.tide.cli;

import java.util.concurrent.ThreadFactory;

/** The one place this module creates threads: virtual threads named {@code tide-cli-N}, and the shutdown hook. */
final class CliThreads {

    private static final ThreadFactory FACTORY = Thread.ofVirtual().name("tide-cli-", 0).factory();

    private CliThreads() {
    }

    /**
     * Starts a virtual thread. The caller owns it: it must stop and join it before returning.
     *
     * @param task what the thread runs
     * @return the started thread
     */
    static Thread start(Runnable task) {
        Thread thread = FACTORY.newThread(task);
        thread.start();
        return thread;
    }

    /**
     * An unstarted platform thread for {@link Runtime#addShutdownHook} (which needs one).
     *
     * @param task what the hook runs
     * @return the thread, not started
     */
    static Thread shutdownHook(Runnable task) {
        return Thread.ofPlatform().name("tide-cli-shutdown").unstarted(task);
    }

    /**
     * Interrupts a thread and waits for it to end.
     *
     * @param thread a thread started by {@link #start}
     */
    static void stop(Thread thread) {
        thread.interrupt();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
