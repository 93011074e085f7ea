package dev.tide.flow;

/**
 * The receiving end of a {@link Flow}: a flow hands each element to {@link #emit}, in order, on the
 * thread that collects it.
 *
 * <p>{@code emit} may block, and a blocked {@code emit} is how a flow is backpressured: the producer of
 * an element simply waits until the consumer is ready. An emitter is not thread-safe; a flow that
 * produces on several threads must hand its elements to one thread before emitting (the concurrent
 * operators do that for you).
 *
 * <p>When {@code emit} throws, the flow must stop emitting and let the exception propagate out of
 * {@link Flow#collect}: it is either an error raised downstream or a signal that downstream needs no
 * more elements (for example after {@code take(n)}). Catching it and carrying on is a bug.
 *
 * @param <T> the element type
 */
@FunctionalInterface
public interface Emitter<T> {

    /**
     * Hands one element downstream. Blocks while downstream is not ready for it.
     *
     * @param value the element, never null
     * @throws Exception anything downstream threw; let it propagate
     */
    void emit(T value) throws Exception;
}
