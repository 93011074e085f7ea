package dev.tide.flow;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;

/*
 * bracketCase(acquire, use, release): per collection, acquire a resource, collect use(resource) into the
 * downstream, and release the resource exactly once, whatever happens after the acquisition:
 *   - use(resource) completed                             -> COMPLETED
 *   - an AbortFlow passed through (downstream stopped early), or the thread was interrupted -> CANCELLED
 *   - anything else was thrown, by use, by the inner flow or by downstream       -> FAILED(cause)
 * If acquire fails, there is nothing to release. If release throws: after COMPLETED or CANCELLED its
 * exception ends the flow (replacing the early-stop signal, which is then not needed any more); after
 * FAILED it is added to the cause as suppressed. Failures of acquire, use and release are tagged "bracket".
 */
final class FlowBracket<R, T> implements Flow<T>, Stages.Stage {

    private final Callable<? extends R> acquire;
    private final Function<? super R, ? extends Flow<? extends T>> use;
    private final ReleaseCase<? super R> release;

    FlowBracket(Callable<? extends R> acquire, Function<? super R, ? extends Flow<? extends T>> use,
                ReleaseCase<? super R> release) {
        this.acquire = acquire;
        this.use = use;
        this.release = release;
    }

    @Override
    public int stageIndex() {
        return 1;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        R resource;
        try {
            resource = Objects.requireNonNull(acquire.call(), "bracket acquire returned null");
        } catch (Throwable t) {
            throw Failures.rethrow(Stages.tag(t, "bracket", this));
        }
        Throwable failure = null;
        ExitCase exit = ExitCase.COMPLETED;
        try {
            Flow<? extends T> inner;
            try {
                inner = Objects.requireNonNull(use.apply(resource), "bracket use returned null");
            } catch (RuntimeException | Error e) {
                Stages.tag(e, "bracket", this);
                throw e;
            }
            inner.collect(emitter);
        } catch (Throwable t) {
            failure = t;
            exit = AbortFlow.isAbort(t) || Failures.isInterruption(t) ? ExitCase.CANCELLED : ExitCase.failed(t);
        }
        try {
            release.release(resource, exit);
        } catch (Throwable releaseFailure) {
            Stages.tag(releaseFailure, "bracket", this);
            if (failure == null || AbortFlow.isAbort(failure)) {
                throw Failures.rethrow(releaseFailure);
            }
            Failures.suppress(failure, releaseFailure);
        }
        if (failure != null) {
            throw Failures.rethrow(failure);
        }
    }
}
