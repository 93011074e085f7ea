package dev.tide.flow;

import java.util.function.Predicate;

final class FlowFilter<T> implements Flow<T> {

    private final Flow<T> upstream;
    private final Predicate<? super T> predicate;

    FlowFilter(Flow<T> upstream, Predicate<? super T> predicate) {
        this.upstream = upstream;
        this.predicate = predicate;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        upstream.collect(value -> {
            if (predicate.test(value)) {
                emitter.emit(value);
            }
        });
    }
}
