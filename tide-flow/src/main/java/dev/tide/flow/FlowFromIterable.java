package dev.tide.flow;

import java.util.Objects;

/** Emits the elements of an iterable, creating a fresh iterator on every collection. */
final class FlowFromIterable<T> extends FlowSource<T> {

    private final Iterable<? extends T> source;

    FlowFromIterable(Iterable<? extends T> source) {
        this.source = source;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        for (T value : source) {
            emitter.emit(Objects.requireNonNull(value, "a flow's elements must not be null"));
        }
    }
}
