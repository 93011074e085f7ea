package dev.tide.flow;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * {@link Flow#distinct} / {@link Flow#distinctBy}: emits an element only if its key was not seen before
 * in this collection. The set of seen keys is per-run state and grows with the number of distinct keys.
 */
final class FlowDistinct<T, K> extends FlowOperator<T, T> {

    private final String op;
    private final Function<? super T, ? extends K> key;

    FlowDistinct(Flow<T> upstream, String op, Function<? super T, ? extends K> key) {
        super(upstream);
        this.op = op;
        this.key = key;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Set<K> seen = new HashSet<>();
        upstream.collect(value -> {
            K k;
            try {
                k = key.apply(value);
            } catch (RuntimeException | Error e) {
                Stages.tag(e, op, this);
                throw e;
            }
            if (seen.add(k)) {
                emitter.emit(value);
            }
        });
    }
}
