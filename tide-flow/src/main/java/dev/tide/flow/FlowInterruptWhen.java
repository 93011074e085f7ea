package dev.tide.flow;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Flow#interruptWhen}: emits upstream's elements until the signal fires, then stops upstream and
 * completes (or fails with the signal's exception). The signal is either a {@link CompletionStage} (fires
 * when it completes) or a {@link Flow} (fires at its first element; completing empty never fires).
 *
 * <p>Upstream runs on a worker of a {@link FlowScope} so that it can be stopped even while it is blocked
 * waiting for its next element. The signal firing is queued as a control entry behind the elements
 * already handed off; those are still emitted (at most the hand-off capacity). A stage that is already
 * complete when the flow is collected wins: upstream is not even started. A signal flow runs on a second
 * worker that emits nothing into the hand-off: at its first element it queues the stop and ends, and its
 * failure is queued like any worker's (it cancels upstream and fails the flow). Since the scope's end
 * would otherwise wait for that worker too, upstream's end is queued as a control entry of its own: the
 * collecting thread returns there, and closing the scope cancels a signal flow still running.
 */
final class FlowInterruptWhen<T> extends FlowOperator<T, T> {

    private static final Object STOP = new Object();
    private static final Object DONE = new Object();

    private final CompletionStage<?> signal;
    private final Flow<?> signalFlow;

    FlowInterruptWhen(Flow<T> upstream, CompletionStage<?> signal) {
        super(upstream);
        this.signal = signal;
        this.signalFlow = null;
    }

    FlowInterruptWhen(Flow<T> upstream, Flow<?> signal) {
        super(upstream);
        this.signal = null;
        this.signalFlow = signal;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        if (signalFlow != null) {
            collectUntilFlow(emitter);
            return;
        }
        try (FlowScope<T> scope = new FlowScope<>("interruptWhen", FlowMerge.HANDOFF)) {
            AtomicBoolean fired = new AtomicBoolean();
            signal.whenComplete((value, error) -> {
                fired.set(true);
                scope.offerControl(error == null ? STOP : unwrap(error));
            });
            if (!fired.get()) {
                scope.fork(upstream);
            }
            emitUntilStopped(scope, emitter);
        }
    }

    private void collectUntilFlow(Emitter<? super T> emitter) throws Exception {
        try (FlowScope<T> scope = new FlowScope<>("interruptWhen", FlowMerge.HANDOFF)) {
            scope.fork(out -> {
                upstream.collect(out);
                scope.offerControl(DONE);
            });
            scope.fork(out -> signalFlow.take(1).collect(fired -> scope.offerControl(STOP)));
            emitUntilStopped(scope, emitter);
        }
    }

    /** Emits the scope's elements until it ends, a STOP or DONE entry, or a failure (rethrown). */
    private void emitUntilStopped(FlowScope<T> scope, Emitter<? super T> emitter) throws Exception {
        while (true) {
            Object entry = scope.nextEntry();
            if (entry == null) {
                return;
            }
            if (FlowScope.isControl(entry)) {
                Object control = FlowScope.controlValue(entry);
                if (control == STOP || control == DONE) {
                    return;
                }
                throw FlowScope.rethrow((Throwable) control);
            }
            @SuppressWarnings("unchecked")
            T value = (T) entry;
            emitter.emit(value);
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
