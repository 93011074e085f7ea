package dev.tide.flow;

import java.util.concurrent.Callable;

/** {@link Flow#fromCallable}: calls the callable on every collection and emits its result. */
final class FlowFromCallable<T> extends FlowSource<T> {

    private final Callable<? extends T> callable;

    FlowFromCallable(Callable<? extends T> callable) {
        this.callable = callable;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        T value;
        try {
            value = callable.call();
        } catch (Exception | Error e) {
            Stages.tag(e, "fromCallable", this);
            throw e;
        }
        if (value == null) {
            throw Stages.tag(new NullPointerException("fromCallable: the callable returned null"), "fromCallable", this);
        }
        emitter.emit(value);
    }
}
