package dev.tide.flow;

import java.util.List;

/**
 * {@link Flow#merge}: every source is collected at once, each on its own virtual thread of a
 * {@link FlowScope}; the collecting thread emits the elements in the order they were handed off. Each
 * source's own order is kept. A source blocks when the shared hand-off is full (backpressure). Completes
 * when every source has completed; the first failure cancels the other sources and fails the flow after
 * the elements handed off before it. A downstream stop (take) cancels every source.
 */
final class FlowMerge<T> implements Flow<T>, Stages.Stage {

    static final int HANDOFF = 16;

    private final List<Flow<? extends T>> sources;
    private final int index;

    FlowMerge(List<Flow<? extends T>> sources) {
        this.sources = sources;
        this.index = Stages.after(sources);
    }

    @Override
    public int stageIndex() {
        return index;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        try (FlowScope<T> scope = new FlowScope<>("merge", HANDOFF)) {
            for (Flow<? extends T> source : sources) {
                scope.fork(source);
            }
            scope.drainTo(emitter);
        }
    }
}
