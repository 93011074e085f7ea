package dev.tide.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@link Flow#groupAdjacentBy}: groups runs of consecutive elements with equal keys. A group is emitted
 * as (key, elements) when an element with another key arrives, and the last group when upstream
 * completes. Only the current run is buffered.
 */
final class FlowGroupAdjacent<T, K> extends FlowOperator<T, Pair<K, List<T>>> {

    private final Function<? super T, ? extends K> key;

    FlowGroupAdjacent(Flow<T> upstream, Function<? super T, ? extends K> key) {
        super(upstream);
        this.key = key;
    }

    @Override
    public void collect(Emitter<? super Pair<K, List<T>>> emitter) throws Exception {
        Object[] currentKey = {null};
        List<List<T>> run = new ArrayList<>(1);
        run.add(new ArrayList<>());
        upstream.collect(value -> {
            K k;
            try {
                k = key.apply(value);
            } catch (RuntimeException | Error e) {
                Stages.tag(e, "groupAdjacentBy", this);
                throw e;
            }
            if (k == null) {
                throw Stages.tag(new NullPointerException("groupAdjacentBy: the key function returned null for "
                        + value), "groupAdjacentBy", this);
            }
            List<T> elements = run.get(0);
            if (!elements.isEmpty() && !Objects.equals(currentKey[0], k)) {
                @SuppressWarnings("unchecked")
                K done = (K) currentKey[0];
                run.set(0, new ArrayList<>());
                emitter.emit(new Pair<>(done, List.copyOf(elements)));
            }
            currentKey[0] = k;
            run.get(0).add(value);
        });
        List<T> last = run.get(0);
        if (!last.isEmpty()) {
            @SuppressWarnings("unchecked")
            K k = (K) currentKey[0];
            emitter.emit(new Pair<>(k, List.copyOf(last)));
        }
    }
}
