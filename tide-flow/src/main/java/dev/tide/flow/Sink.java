package dev.tide.flow;

/**
 * A destination that a flow can be drained into with {@link Flow#drainTo(Sink)}: a file, a queue, or a
 * stream producer (every {@code dev.tide.Producer} is a {@code Sink<byte[]>}).
 *
 * <p>This interface leaves out closing on purpose: whoever opened the sink closes it.
 *
 * @param <T> the element type
 */
public interface Sink<T> {

    /**
     * Accepts one element. May block when the sink applies backpressure.
     *
     * @param item the element
     */
    void write(T item);

    /**
     * Blocks until everything written so far is durable in the sink's own terms (sent, acknowledged,
     * written). The default does nothing.
     */
    default void flush() {
    }
}
