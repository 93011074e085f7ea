package dev.tide.flow;

import java.util.function.Predicate;

/**
 * {@link Flow#dropWhile}: drops elements while the predicate holds, then emits the first element that
 * fails it and everything after it, without calling the predicate again.
 */
final class FlowDropWhile<T> extends FlowOperator<T, T> {

    private final Predicate<? super T> predicate;

    FlowDropWhile(Flow<T> upstream, Predicate<? super T> predicate) {
        super(upstream);
        this.predicate = predicate;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        boolean[] dropping = {true};
        upstream.collect(value -> {
            if (dropping[0]) {
                try {
                    dropping[0] = predicate.test(value);
                } catch (RuntimeException | Error e) {
                    Stages.tag(e, "dropWhile", this);
                    throw e;
                }
                if (dropping[0]) {
                    return;
                }
            }
            emitter.emit(value);
        });
    }
}
