package dev.tide.flow;

import java.util.function.Consumer;

/** {@link Flow#onEach}: runs an action for every element, then emits the element unchanged. */
final class FlowOnEach<T> extends FlowOperator<T, T> {

    private final Consumer<? super T> action;

    FlowOnEach(Flow<T> upstream, Consumer<? super T> action) {
        super(upstream);
        this.action = action;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        upstream.collect(value -> {
            try {
                action.accept(value);
            } catch (RuntimeException | Error e) {
                Stages.tag(e, "onEach", this);
                throw e;
            }
            emitter.emit(value);
        });
    }
}
