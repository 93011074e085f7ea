package dev.tide.flow;

import java.util.Iterator;

/**
 * An iterator over a flow that runs on its own virtual thread ({@link Flow#iterator()}): close it when
 * you stop early, or the producing thread stays blocked, holding whatever the flow opened.
 *
 * <p>Use it in try-with-resources. An iterator that reached the end of the flow, or whose flow failed,
 * has already cleaned up by itself; closing it again does nothing. {@code remove} is not supported.
 * Not thread-safe: use it from one thread at a time.
 *
 * @param <T> the element type
 */
public interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {

    /**
     * Stops the flow (its thread is interrupted and its resources released) and waits until its thread
     * has ended. Idempotent; never throws.
     */
    @Override
    void close();
}
