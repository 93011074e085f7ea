package dev.tide.stdio;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/*
 * The process-wide registry of input and output hubs, keyed by the identity of the stream they use, so
 * every stdio connection of the process on standard input (or on one injected stream) shares one reader
 * and every connection on standard output shares one writer and its sequence counters, as SeaStreamer's
 * process-wide threads do. LOCK guards the two maps; it is taken before a hub's own lock, never after.
 */
final class Hubs {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<InputStream, InputHub> INPUTS = new IdentityHashMap<>();
    private static final Map<OutputStream, OutputHub> OUTPUTS = new IdentityHashMap<>();

    private Hubs() {
    }

    /** Takes a reference to the hub of {@code in}, creating it if needed. */
    static InputHub acquireInput(InputStream in, InputHub.Settings settings) {
        LOCK.lock();
        try {
            InputHub hub = INPUTS.get(in);
            if (hub == null || !hub.retain(settings)) {
                hub = new InputHub(in, settings);
                INPUTS.put(in, hub);
            }
            return hub;
        } finally {
            LOCK.unlock();
        }
    }

    /** Drops a reference taken with {@link #acquireInput}. */
    static void releaseInput(InputHub hub) {
        LOCK.lock();
        try {
            if (hub.release()) {
                INPUTS.remove(hub.stream(), hub);
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** Called by a reader that saw a stop request: true if it must end (the hub is then forgotten). */
    static boolean confirmStop(InputHub hub) {
        LOCK.lock();
        try {
            if (hub.confirmStop()) {
                INPUTS.remove(hub.stream(), hub);
                return true;
            }
            return false;
        } finally {
            LOCK.unlock();
        }
    }

    /** Takes a reference to the hub of {@code out}, creating it if needed. */
    static OutputHub acquireOutput(OutputStream out) {
        LOCK.lock();
        try {
            OutputHub hub = OUTPUTS.get(out);
            if (hub == null || !hub.retain()) {
                hub = new OutputHub(out);
                OUTPUTS.put(out, hub);
            }
            return hub;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Drops a reference taken with {@link #acquireOutput}.
     *
     * @return the writer thread to wait for if this was the last reference, else null
     */
    static Thread releaseOutput(OutputHub hub) {
        LOCK.lock();
        try {
            Thread writer = hub.release();
            if (hub.isClosed()) {
                OUTPUTS.remove(hub.stream(), hub);
            }
            return writer;
        } finally {
            LOCK.unlock();
        }
    }
}
