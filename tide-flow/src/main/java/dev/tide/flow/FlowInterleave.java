package dev.tide.flow;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link Flow#interleave}: takes one element from each source in turn (round robin, in list order);
 * a source that completes leaves the rotation; completes when all have completed.
 *
 * <p>Each source runs on its own worker ({@link FlowScope}, hand-off of one element, so a source runs at
 * most one element ahead). Waiting for a source's turn is strict: a slow source delays the others. A
 * failure is seen when the failing source's turn comes; it fails the flow and every source is stopped.
 */
final class FlowInterleave<T> implements Flow<T>, Stages.Stage {

    private final List<Flow<? extends T>> sources;
    private final int index;

    FlowInterleave(List<Flow<? extends T>> sources) {
        this.sources = sources;
        this.index = Stages.after(sources);
    }

    @Override
    public int stageIndex() {
        return index;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        List<FlowScope<T>> active = new ArrayList<>(sources.size());
        List<FlowScope<T>> all = new ArrayList<>(sources.size());
        try {
            for (Flow<? extends T> source : sources) {
                FlowScope<T> scope = new FlowScope<>("interleave", 1);
                all.add(scope);
                active.add(scope);
                scope.fork(source);
            }
            while (!active.isEmpty()) {
                for (int i = 0; i < active.size(); ) {
                    T value = active.get(i).next();
                    if (value == null) {
                        active.remove(i).close();
                    } else {
                        emitter.emit(value);
                        i++;
                    }
                }
            }
        } finally {
            for (FlowScope<T> scope : all) {
                scope.cancel();
            }
            for (FlowScope<T> scope : all) {
                scope.close();
            }
        }
    }
}
