package dev.tide.flow;

import java.util.Objects;
import java.util.function.Function;

/*
 * recover(type, fn): collects upstream through a DownstreamGuard; when upstream fails with a handleable
 * exception of the given type, emits fn(error) as the last element and completes. If fn throws, that
 * exception ends the flow, with the upstream failure attached as suppressed.
 */
final class FlowRecover<T, X extends Throwable> implements Flow<T>, Stages.Stage {

    private final Flow<T> upstream;
    private final Class<X> type;
    private final Function<? super X, ? extends T> fallback;
    private final int index;

    FlowRecover(Flow<T> upstream, Class<X> type, Function<? super X, ? extends T> fallback) {
        this.upstream = upstream;
        this.type = type;
        this.fallback = fallback;
        this.index = Stages.after(upstream);
    }

    @Override
    public int stageIndex() {
        return index;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Failures.DownstreamGuard<T> guard = new Failures.DownstreamGuard<>(emitter);
        try {
            upstream.collect(guard);
        } catch (Throwable t) {
            if (guard.downstreamThrew() || !Failures.handleable(t) || !type.isInstance(t)) {
                throw Failures.rethrow(t);
            }
            T value;
            try {
                value = Objects.requireNonNull(fallback.apply(type.cast(t)), "recover function returned null");
            } catch (RuntimeException | Error e) {
                Failures.suppress(e, t);
                Stages.tag(e, "recover", this);
                throw e;
            }
            emitter.emit(value);
        }
    }
}
