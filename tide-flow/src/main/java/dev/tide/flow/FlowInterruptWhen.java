package dev.tide.flow;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Flow#interruptWhen}: emits upstream's elements until the signal completes, then stops upstream
 * and completes (or fails with the signal's exception when it completes exceptionally).
 *
 * <p>Upstream runs on a worker of a {@link FlowScope} so that it can be stopped even while it is blocked
 * waiting for its next element. The signal's completion is queued as a control entry behind the elements
 * already handed off; those are still emitted (at most the hand-off capacity). A signal that is already
 * complete when the flow is collected wins: upstream is not even started.
 */
final class FlowInterruptWhen<T> extends FlowOperator<T, T> {

    private static final Object STOP = new Object();

    private final CompletionStage<?> signal;

    FlowInterruptWhen(Flow<T> upstream, CompletionStage<?> signal) {
        super(upstream);
        this.signal = signal;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        try (FlowScope<T> scope = new FlowScope<>("interruptWhen", FlowMerge.HANDOFF)) {
            AtomicBoolean fired = new AtomicBoolean();
            signal.whenComplete((value, error) -> {
                fired.set(true);
                scope.offerControl(error == null ? STOP : unwrap(error));
            });
            if (!fired.get()) {
                scope.fork(upstream);
            }
            while (true) {
                Object entry = scope.nextEntry();
                if (entry == null) {
                    return;
                }
                if (FlowScope.isControl(entry)) {
                    Object control = FlowScope.controlValue(entry);
                    if (control == STOP) {
                        return;
                    }
                    throw FlowScope.rethrow((Throwable) control);
                }
                @SuppressWarnings("unchecked")
                T value = (T) entry;
                emitter.emit(value);
            }
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
