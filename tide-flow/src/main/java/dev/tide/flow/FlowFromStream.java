package dev.tide.flow;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@link Flow#fromStream}: emits the elements of a {@link Stream}, which is closed when the collection
 * ends (completion, failure or early stop), so its {@code onClose} handlers run exactly once.
 *
 * <p>A {@code Stream} can be consumed once. Built from a supplier, every collection asks for a fresh
 * stream. Built from a stream instance, the flow is single-use: the first collection consumes it and a
 * second collection fails with {@link IllegalStateException} (rather than silently emitting nothing). The
 * "used" flag is the one piece of state that lives across collections, on purpose.
 */
final class FlowFromStream<T> extends FlowSource<T> {

    private final Supplier<? extends Stream<? extends T>> streams;
    private final AtomicBoolean used;

    private FlowFromStream(Supplier<? extends Stream<? extends T>> streams, boolean singleUse) {
        this.streams = streams;
        this.used = singleUse ? new AtomicBoolean() : null;
    }

    static <T> FlowFromStream<T> once(Stream<? extends T> stream) {
        return new FlowFromStream<>(() -> stream, true);
    }

    static <T> FlowFromStream<T> perCollection(Supplier<? extends Stream<? extends T>> streams) {
        return new FlowFromStream<>(streams, false);
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        if (used != null && used.getAndSet(true)) {
            throw new IllegalStateException("a flow over a java.util.stream.Stream can be collected once and this "
                    + "one was already collected; use Flow.fromStream(Supplier) to get a fresh stream per collection");
        }
        Stream<? extends T> stream;
        try {
            stream = Objects.requireNonNull(streams.get(), "the stream supplier returned null");
        } catch (RuntimeException | Error e) {
            Stages.tag(e, "fromStream", this);
            throw e;
        }
        try (stream) {
            Iterator<? extends T> it = stream.iterator();
            while (it.hasNext()) {
                emitter.emit(Objects.requireNonNull(it.next(), "a flow's elements must not be null"));
            }
        }
    }
}
