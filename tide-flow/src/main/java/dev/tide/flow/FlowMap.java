package dev.tide.flow;

import java.util.function.Function;

/** {@link Flow#map}: applies a function to every element; its failures are tagged "map". */
final class FlowMap<T, R> extends FlowOperator<T, R> {

    private final Function<? super T, ? extends R> mapper;

    FlowMap(Flow<T> upstream, Function<? super T, ? extends R> mapper) {
        super(upstream);
        this.mapper = mapper;
    }

    @Override
    public void collect(Emitter<? super R> emitter) throws Exception {
        upstream.collect(value -> {
            R result;
            try {
                result = mapper.apply(value);
            } catch (RuntimeException | Error e) {
                Stages.tag(e, "map", this);
                throw e;
            }
            if (result == null) {
                throw Stages.tag(new NullPointerException("map function returned null for " + value), "map", this);
            }
            emitter.emit(result);
        });
    }
}
