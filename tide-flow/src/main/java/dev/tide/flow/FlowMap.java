package dev.tide.flow;

import java.util.Objects;
import java.util.function.Function;

final class FlowMap<T, R> implements Flow<R> {

    private final Flow<T> upstream;
    private final Function<? super T, ? extends R> mapper;

    FlowMap(Flow<T> upstream, Function<? super T, ? extends R> mapper) {
        this.upstream = upstream;
        this.mapper = mapper;
    }

    @Override
    public void collect(Emitter<? super R> emitter) throws Exception {
        upstream.collect(value -> emitter.emit(Objects.requireNonNull(mapper.apply(value), "map returned null")));
    }
}
