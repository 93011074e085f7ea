package dev.tide.flow;

/*
 * retry(policy, mode): collects upstream; when it fails with a handleable exception (not downstream's, not
 * an interruption, not the early-stop signal) and the policy allows another attempt, waits the policy's
 * delay on the scheduler and collects upstream again. In SKIP_EMITTED mode each attempt skips as many
 * elements as downstream has received so far. The attempt count covers the whole collection. When the
 * policy gives up, the last failure ends the flow unchanged.
 */
final class FlowRetry<T> implements Flow<T> {

    private final Flow<T> upstream;
    private final RetryPolicy policy;
    private final RetryMode mode;
    private final Scheduler scheduler;

    FlowRetry(Flow<T> upstream, RetryPolicy policy, RetryMode mode, Scheduler scheduler) {
        this.upstream = upstream;
        this.policy = policy;
        this.mode = mode;
        this.scheduler = scheduler;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Clocks.Participation participation = Clocks.participate(scheduler);
        try {
            long[] delivered = {0};
            for (int attempt = 1; ; attempt++) {
                Failures.DownstreamGuard<T> guard = new Failures.DownstreamGuard<>(emitter);
                long skip = mode == RetryMode.SKIP_EMITTED ? delivered[0] : 0;
                long[] seen = {0};
                try {
                    upstream.collect(value -> {
                        if (seen[0]++ < skip) {
                            return;
                        }
                        delivered[0]++;
                        guard.emit(value);
                    });
                    return;
                } catch (Throwable t) {
                    if (guard.downstreamThrew() || !Failures.handleable(t) || !policy.shouldRetry(t, attempt)) {
                        throw Failures.rethrow(t);
                    }
                }
                scheduler.sleep(policy.delayBefore(attempt));
            }
        } finally {
            participation.close();
        }
    }
}
