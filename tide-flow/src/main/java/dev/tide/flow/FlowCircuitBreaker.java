package dev.tide.flow;

/*
 * circuitBreaker(breaker): one collection of upstream is one call. The permit is asked for before upstream
 * is collected (refused: FlowException CIRCUIT_OPEN, upstream not collected); upstream completing is a
 * success; upstream failing is a failure (subject to the breaker's predicate); downstream stopping early
 * or failing is neither (the permit is released).
 */
final class FlowCircuitBreaker<T> implements Flow<T> {

    private final Flow<T> upstream;
    private final CircuitBreaker breaker;

    FlowCircuitBreaker(Flow<T> upstream, CircuitBreaker breaker) {
        this.upstream = upstream;
        this.breaker = breaker;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        CircuitBreaker.Permit permit = breaker.tryAcquire().orElseThrow(breaker::refusal);
        Failures.DownstreamGuard<T> guard = new Failures.DownstreamGuard<>(emitter);
        try {
            upstream.collect(guard);
        } catch (Throwable t) {
            if (guard.downstreamThrew() || AbortFlow.isAbort(t)) {
                permit.release();
            } else {
                permit.failure(t);
            }
            throw Failures.rethrow(t);
        }
        permit.success();
    }
}
