package dev.tide.flow;

/**
 * Base of the single-upstream operators: holds the upstream and the stage index (see {@link Stages}).
 * Subclasses keep only configuration in fields; per-run state lives inside {@code collect}.
 */
abstract class FlowOperator<T, R> implements Flow<R>, Stages.Stage {

    final Flow<T> upstream;
    private final int index;

    FlowOperator(Flow<T> upstream) {
        this.upstream = upstream;
        this.index = Stages.after(upstream);
    }

    @Override
    public final int stageIndex() {
        return index;
    }
}
