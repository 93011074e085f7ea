package dev.tide.flow;

import java.util.function.Function;

/** {@link Flow#mapNotNull}: map, dropping the elements for which the function returns null. */
final class FlowMapNotNull<T, R> extends FlowOperator<T, R> {

    private final Function<? super T, ? extends R> mapper;

    FlowMapNotNull(Flow<T> upstream, Function<? super T, ? extends R> mapper) {
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
                Stages.tag(e, "mapNotNull", this);
                throw e;
            }
            if (result != null) {
                emitter.emit(result);
            }
        });
    }
}
