package dev.tide.flow;

import java.util.Objects;
import java.util.function.Function;

/*
 * onErrorResume(type, fn): collects upstream through a DownstreamGuard; when upstream fails with a
 * handleable exception of the given type, collects fn(error) into the same downstream and ends with it
 * (the switch is permanent: the failed upstream is not resumed). Failures of the fallback flow are not
 * handled again.
 */
final class FlowOnErrorResume<T, X extends Throwable> implements Flow<T>, Stages.Stage {

    private final Flow<T> upstream;
    private final Class<X> type;
    private final Function<? super X, ? extends Flow<? extends T>> fallback;
    private final int index;

    FlowOnErrorResume(Flow<T> upstream, Class<X> type,
                      Function<? super X, ? extends Flow<? extends T>> fallback) {
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
            Flow<? extends T> next;
            try {
                next = Objects.requireNonNull(fallback.apply(type.cast(t)), "onErrorResume function returned null");
            } catch (RuntimeException | Error e) {
                Failures.suppress(e, t);
                Stages.tag(e, "onErrorResume", this);
                throw e;
            }
            next.collect(emitter);
        }
    }
}
