package dev.tide.flow;

import java.util.function.BiFunction;

/**
 * {@link Flow#zip} / {@link Flow#zipWith}: pairs the i-th element of the left flow with the i-th of the
 * right one.
 *
 * <p>The left flow is collected on the collecting thread; the right one on a worker of a
 * {@link FlowScope} with a hand-off of one element, so it runs at most one element ahead. For every left
 * element the operator takes the next right element: when the right flow has ended, the left one is
 * stopped (that left element is dropped) and the flow completes; when the left flow completes, the right
 * one is cancelled. Either side failing fails the flow (the other side is stopped).
 */
final class FlowZip<A, B, R> implements Flow<R>, Stages.Stage {

    private final String op;
    private final Flow<A> left;
    private final Flow<B> right;
    private final BiFunction<? super A, ? super B, ? extends R> combiner;
    private final int index;

    FlowZip(String op, Flow<A> left, Flow<B> right, BiFunction<? super A, ? super B, ? extends R> combiner) {
        this.op = op;
        this.left = left;
        this.right = right;
        this.combiner = combiner;
        this.index = Stages.after(java.util.List.of(left, right));
    }

    @Override
    public int stageIndex() {
        return index;
    }

    @Override
    public void collect(Emitter<? super R> emitter) throws Exception {
        Object owner = new Object();
        try (FlowScope<B> rightSide = new FlowScope<>(op, 1)) {
            rightSide.fork(right);
            left.collect(a -> {
                B b = rightSide.next();
                if (b == null) {
                    throw new AbortFlow(owner);
                }
                R combined;
                try {
                    combined = combiner.apply(a, b);
                } catch (RuntimeException | Error e) {
                    Stages.tag(e, op, this);
                    throw e;
                }
                if (combined == null) {
                    throw Stages.tag(new NullPointerException(op + " function returned null"), op, this);
                }
                emitter.emit(combined);
            });
        } catch (AbortFlow e) {
            AbortFlow.rethrowUnlessOwnedBy(e, owner);
        }
    }
}
