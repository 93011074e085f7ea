package dev.tide.flow;

import java.util.function.Function;

/**
 * {@link Flow#flatMap} / {@link Flow#concatMap}: for every upstream element, collects the flow the mapper
 * returns and emits all of its elements before taking the next upstream element. Only the mapper's own
 * failures are tagged; an inner flow's failure passes through as it is (tagged by its own stages).
 */
final class FlowFlatMap<T, R> extends FlowOperator<T, R> {

    private final String op;
    private final Function<? super T, ? extends Flow<? extends R>> mapper;

    FlowFlatMap(Flow<T> upstream, String op, Function<? super T, ? extends Flow<? extends R>> mapper) {
        super(upstream);
        this.op = op;
        this.mapper = mapper;
    }

    @Override
    public void collect(Emitter<? super R> emitter) throws Exception {
        upstream.collect(value -> {
            Flow<? extends R> inner;
            try {
                inner = mapper.apply(value);
            } catch (RuntimeException | Error e) {
                Stages.tag(e, op, this);
                throw e;
            }
            if (inner == null) {
                throw Stages.tag(new NullPointerException(op + " function returned null for " + value), op, this);
            }
            inner.collect(emitter);
        });
    }
}
