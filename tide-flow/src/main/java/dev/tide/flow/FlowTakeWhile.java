package dev.tide.flow;

import java.util.function.Predicate;

/**
 * {@link Flow#takeWhile}: emits while the predicate holds; at the first element that fails it, that
 * element is dropped, upstream is stopped (an AbortFlow owned by this run) and the flow completes.
 */
final class FlowTakeWhile<T> extends FlowOperator<T, T> {

    private final Predicate<? super T> predicate;

    FlowTakeWhile(Flow<T> upstream, Predicate<? super T> predicate) {
        super(upstream);
        this.predicate = predicate;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Object owner = new Object();
        try {
            upstream.collect(value -> {
                boolean keep;
                try {
                    keep = predicate.test(value);
                } catch (RuntimeException | Error e) {
                    Stages.tag(e, "takeWhile", this);
                    throw e;
                }
                if (!keep) {
                    throw new AbortFlow(owner);
                }
                emitter.emit(value);
            });
        } catch (AbortFlow e) {
            AbortFlow.rethrowUnlessOwnedBy(e, owner);
        }
    }
}
