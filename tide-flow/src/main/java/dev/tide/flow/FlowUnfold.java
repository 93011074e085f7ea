package dev.tide.flow;

import java.util.Optional;
import java.util.function.Function;

/**
 * {@link Flow#unfold}: calls the step function with the current state; a present {@code (element, next
 * state)} pair emits the element and continues from the next state, an empty result completes. The state
 * is per-run: every collection starts again from the initial state.
 */
final class FlowUnfold<S, T> extends FlowSource<T> {

    private final S initial;
    private final Function<? super S, Optional<Pair<T, S>>> step;

    FlowUnfold(S initial, Function<? super S, Optional<Pair<T, S>>> step) {
        this.initial = initial;
        this.step = step;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        S state = initial;
        while (true) {
            checkInterrupt();
            Optional<Pair<T, S>> next;
            try {
                next = step.apply(state);
            } catch (RuntimeException | Error e) {
                Stages.tag(e, "unfold", this);
                throw e;
            }
            if (next == null) {
                throw Stages.tag(new NullPointerException("unfold: the step function returned null, not an Optional"),
                        "unfold", this);
            }
            if (next.isEmpty()) {
                return;
            }
            emitter.emit(next.get().first());
            state = next.get().second();
        }
    }
}
