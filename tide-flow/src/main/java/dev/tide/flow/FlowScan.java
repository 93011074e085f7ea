package dev.tide.flow;

import java.util.function.BiFunction;

/**
 * {@link Flow#scan}: emits the initial value, then the accumulated value after every element. The
 * accumulator is per-run state: every collection starts again from the initial value.
 */
final class FlowScan<T, A> extends FlowOperator<T, A> {

    private final A initial;
    private final BiFunction<? super A, ? super T, ? extends A> accumulator;

    FlowScan(Flow<T> upstream, A initial, BiFunction<? super A, ? super T, ? extends A> accumulator) {
        super(upstream);
        this.initial = initial;
        this.accumulator = accumulator;
    }

    @Override
    public void collect(Emitter<? super A> emitter) throws Exception {
        Object[] acc = {initial};
        emitter.emit(initial);
        upstream.collect(value -> {
            A next;
            try {
                @SuppressWarnings("unchecked")
                A current = (A) acc[0];
                next = accumulator.apply(current, value);
            } catch (RuntimeException | Error e) {
                Stages.tag(e, "scan", this);
                throw e;
            }
            if (next == null) {
                throw Stages.tag(new NullPointerException("scan accumulator returned null"), "scan", this);
            }
            acc[0] = next;
            emitter.emit(next);
        });
    }
}
