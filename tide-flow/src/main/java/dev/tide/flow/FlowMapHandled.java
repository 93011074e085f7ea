package dev.tide.flow;

import java.util.Objects;
import java.util.function.Function;

/*
 * map(f, handler): like map, but an exception thrown by f for one element is given to the handler, whose
 * decision skips the element, replaces the result, or fails the flow with the original exception (tagged
 * with the stage, see Stages; so is an exception thrown by the handler itself). Only
 * exceptions of f are handled: downstream's are never caught (emit is outside the try).
 */
final class FlowMapHandled<T, R> implements Flow<R>, Stages.Stage {

    private final Flow<T> upstream;
    private final Function<? super T, ? extends R> mapper;
    private final ElementErrorHandler<? super T, ? extends R> handler;
    private final int index;

    FlowMapHandled(Flow<T> upstream, Function<? super T, ? extends R> mapper,
                   ElementErrorHandler<? super T, ? extends R> handler) {
        this.upstream = upstream;
        this.mapper = mapper;
        this.handler = handler;
        this.index = Stages.after(upstream);
    }

    @Override
    public int stageIndex() {
        return index;
    }

    @Override
    public void collect(Emitter<? super R> emitter) throws Exception {
        upstream.collect(value -> {
            R result;
            try {
                result = mapper.apply(value);
            } catch (RuntimeException e) {
                if (AbortFlow.isAbort(e)) {
                    throw e;
                }
                ElementErrorHandler.Decision<? extends R> decision;
                try {
                    decision = Objects.requireNonNull(handler.onError(value, e), "error handler returned null");
                } catch (RuntimeException | Error handlerFailure) {
                    Failures.suppress(handlerFailure, e);
                    Stages.tag(handlerFailure, "map", this);
                    throw handlerFailure;
                }
                if (decision instanceof ElementErrorHandler.Decision.Skip<?>) {
                    return;
                }
                if (decision instanceof ElementErrorHandler.Decision.Replace<? extends R> replace) {
                    result = replace.value();
                } else {
                    throw Stages.tag(e, "map", this);
                }
            }
            if (result == null) {
                throw Stages.tag(new NullPointerException("map function returned null for " + value), "map", this);
            }
            emitter.emit(result);
        });
    }
}
