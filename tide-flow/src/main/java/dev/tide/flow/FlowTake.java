package dev.tide.flow;

/**
 * Emits the first n elements, then stops upstream by throwing an {@link AbortFlow} right after the
 * n-th element (so element n + 1 is never produced) and completes normally.
 */
final class FlowTake<T> extends FlowOperator<T, T> {

    private final long limit;

    FlowTake(Flow<T> upstream, long limit) {
        super(upstream);
        this.limit = limit;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        if (limit == 0) {
            return;
        }
        Object owner = new Object();
        long[] seen = {0};
        try {
            upstream.collect(value -> {
                emitter.emit(value);
                if (++seen[0] == limit) {
                    throw new AbortFlow(owner);
                }
            });
        } catch (AbortFlow e) {
            AbortFlow.rethrowUnlessOwnedBy(e, owner);
        }
    }
}
