package dev.tide.flow;

import java.util.concurrent.Semaphore;
import java.util.function.Function;

/*
 * parJoin(n, flows) and flatMapMerge(n, f): up to n inner flows collected at once, the outer flow pulled
 * lazily.
 *
 * Built on a FlowScope (see there for hand-off, failure and cancellation): one worker collects the outer
 * flow ("tide-flow-<op>-n"); for each outer element it first takes one of n slots (blocking the outer flow
 * while n inner flows run: the outer is never pulled further ahead than one element), maps it to an inner
 * flow (flatMapMerge) and forks the inner flow as another worker of the same scope, which gives the slot
 * back when it ends. The collecting thread emits what the workers hand off (16 elements), in hand-off order.
 *
 * Completes when the outer flow and every inner flow have completed. The first failure (outer, mapper or
 * inner) cancels every other worker and fails the flow after the elements handed off before it. A downstream
 * stop cancels everything. Every thread is joined by the scope before collect returns.
 */
final class FlowParJoin<T, R> implements Flow<R>, Stages.Stage {

    private final Flow<T> outer;
    private final String op;
    private final int concurrency;
    private final Function<? super T, ? extends Flow<? extends R>> mapper;
    private final int index;

    FlowParJoin(Flow<T> outer, String op, int concurrency, Function<? super T, ? extends Flow<? extends R>> mapper) {
        this.outer = outer;
        this.op = op;
        this.concurrency = concurrency;
        this.mapper = mapper;
        this.index = Stages.after(outer);
    }

    @Override
    public int stageIndex() {
        return index;
    }

    @Override
    public void collect(Emitter<? super R> emitter) throws Exception {
        try (FlowScope<R> scope = new FlowScope<>(op, FlowMerge.HANDOFF)) {
            Semaphore slots = new Semaphore(concurrency);
            scope.fork(ignored -> outer.collect(element -> {
                slots.acquire();
                Flow<? extends R> inner;
                try {
                    inner = mapper.apply(element);
                    if (inner == null) {
                        throw new NullPointerException(op + " function returned null for " + element);
                    }
                } catch (RuntimeException | Error e) {
                    slots.release();
                    Stages.tag(e, op, this);
                    throw e;
                }
                scope.fork(out -> {
                    try {
                        inner.collect(out);
                    } finally {
                        slots.release();
                    }
                });
            }));
            scope.drainTo(emitter);
        }
    }
}
