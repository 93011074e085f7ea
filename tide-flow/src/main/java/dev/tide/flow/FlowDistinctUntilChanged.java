package dev.tide.flow;

import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * {@link Flow#distinctUntilChanged()} and its variants: drops an element when it is equal (by key, or by a
 * given equality) to the last element emitted. The first element is always emitted.
 */
final class FlowDistinctUntilChanged<T, K> extends FlowOperator<T, T> {

    private final String op;
    private final Function<? super T, ? extends K> key;
    private final BiPredicate<? super K, ? super K> same;

    FlowDistinctUntilChanged(Flow<T> upstream, String op, Function<? super T, ? extends K> key,
                             BiPredicate<? super K, ? super K> same) {
        super(upstream);
        this.op = op;
        this.key = key;
        this.same = same;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Object[] last = {null};
        boolean[] any = {false};
        upstream.collect(value -> {
            K k;
            boolean repeated;
            try {
                k = key.apply(value);
                @SuppressWarnings("unchecked")
                K previous = (K) last[0];
                repeated = any[0] && same.test(previous, k);
            } catch (RuntimeException | Error e) {
                Stages.tag(e, op, this);
                throw e;
            }
            if (!repeated) {
                last[0] = k;
                any[0] = true;
                emitter.emit(value);
            }
        });
    }
}
