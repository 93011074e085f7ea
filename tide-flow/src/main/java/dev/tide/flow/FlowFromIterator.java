package dev.tide.flow;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Flow#fromIterator}: emits what an iterator yields. An iterator can be consumed once, so the
 * flow is single-use: a second collection fails with {@link IllegalStateException}.
 */
final class FlowFromIterator<T> extends FlowSource<T> {

    private final Iterator<? extends T> iterator;
    private final AtomicBoolean used = new AtomicBoolean();

    FlowFromIterator(Iterator<? extends T> iterator) {
        this.iterator = iterator;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        if (used.getAndSet(true)) {
            throw new IllegalStateException("a flow over an Iterator can be collected once and this one was already "
                    + "collected; use Flow.fromIterable to get a fresh iterator per collection");
        }
        while (iterator.hasNext()) {
            emitter.emit(Objects.requireNonNull(iterator.next(), "a flow's elements must not be null"));
        }
    }
}
