package dev.tide.flow;

import java.util.function.ToLongFunction;

/*
 * withMetrics(metrics[, sizer]): a pass-through stage on the collecting thread, no helper thread.
 *
 * For every element: the time since this stage last handed control back to upstream (the start of the
 * collection, or the return of the previous downstream emit) is recorded as its processing time, i.e. how
 * long upstream took to deliver it; then the element is counted with its size (sizer, 0 without one) and
 * emitted. A failure coming from upstream is counted as an error (unless timed() already counted that very
 * exception) and rethrown unchanged; the early-stop signal and failures thrown by downstream are not
 * upstream's errors and are not counted. The collection is active time for the rates from start to end.
 */
final class FlowWithMetrics<T> extends FlowOperator<T, T> {

    private final RealFlowMetrics metrics;
    private final ToLongFunction<? super T> sizer;

    FlowWithMetrics(Flow<T> upstream, RealFlowMetrics metrics, ToLongFunction<? super T> sizer) {
        super(upstream);
        this.metrics = metrics;
        this.sizer = sizer;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Scheduler clock = metrics.clock();
        long[] resumed = {0};
        boolean[] downstreamThrew = {false};
        metrics.started();
        try {
            resumed[0] = clock.nanoTime();
            upstream.collect(value -> {
                metrics.recordProcessingNanos(clock.nanoTime() - resumed[0]);
                long size = 0;
                if (sizer != null) {
                    try {
                        size = sizer.applyAsLong(value);
                    } catch (RuntimeException | Error e) {
                        Stages.tag(e, "withMetrics", this);
                        throw e;
                    }
                    if (size < 0) {
                        throw Stages.tag(new IllegalArgumentException("withMetrics sizer returned a negative size "
                                + size + " for " + value), "withMetrics", this);
                    }
                }
                metrics.recordItem(size);
                try {
                    emitter.emit(value);
                } catch (Throwable t) {
                    downstreamThrew[0] = true;
                    throw t;
                }
                resumed[0] = clock.nanoTime();
            });
        } catch (Exception | Error e) {
            if (!downstreamThrew[0] && !AbortFlow.isAbort(e) && !metrics.alreadyCounted(e)) {
                metrics.recordError();
            }
            throw e;
        } finally {
            metrics.finished();
        }
    }
}
