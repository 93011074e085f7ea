package dev.tide.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/*
 * What to close when the process is asked to stop (Ctrl-C, SIGTERM): commands register their streamers,
 * whose close() flushes producers, so what a command already handed over is not lost. Runs at most once.
 * While it runs the error handler stays quiet: the interrupted command failing then (a consumer closed
 * under it) is expected, not news. The lock guards the set only; closing happens outside it.
 */
final class Shutdown {

    private final ReentrantLock lock = new ReentrantLock();
    private final Set<AutoCloseable> resources = new LinkedHashSet<>();
    private volatile boolean started;

    /** A registry that only {@link #run()} empties: for tests. */
    static Shutdown manual() {
        return new Shutdown();
    }

    /** A registry run by a JVM shutdown hook. */
    static Shutdown onJvmExit() {
        Shutdown shutdown = new Shutdown();
        Runtime.getRuntime().addShutdownHook(CliThreads.shutdownHook(shutdown::run));
        return shutdown;
    }

    /**
     * Closes {@code resource} if the process is asked to stop before the returned handle is closed; at
     * once if it already was.
     *
     * @param resource what to close
     * @return closing it forgets the resource (it does not close it)
     */
    AutoCloseable register(AutoCloseable resource) {
        boolean added;
        lock.lock();
        try {
            added = !started;
            if (added) {
                resources.add(resource);
            }
        } finally {
            lock.unlock();
        }
        if (!added) {
            closeQuietly(resource);
            return () -> { };
        }
        return () -> {
            lock.lock();
            try {
                resources.remove(resource);
            } finally {
                lock.unlock();
            }
        };
    }

    /** Whether a stop was requested: failures seen now are consequences, not errors to report. */
    boolean inProgress() {
        return started;
    }

    /** Closes everything registered, newest first, ignoring failures. Later calls do nothing. */
    void run() {
        List<AutoCloseable> toClose;
        lock.lock();
        try {
            if (started) {
                return;
            }
            started = true;
            toClose = new ArrayList<>(resources);
            resources.clear();
        } finally {
            lock.unlock();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            closeQuietly(toClose.get(i));
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // the process is stopping; nothing useful can be done with it
        }
    }
}
