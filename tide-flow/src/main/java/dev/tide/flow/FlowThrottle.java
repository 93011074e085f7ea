package dev.tide.flow;

/*
 * throttle(period, mode): runs on the collecting thread, no helper thread. It remembers when it last
 * emitted. DROP: an element arriving less than `period` after the last emission is dropped. DELAY: such an
 * element is held (the collecting thread sleeps on the scheduler, so upstream waits too) until `period`
 * has passed since the last emission, then emitted. Either way at most one element per period.
 */
final class FlowThrottle<T> implements Flow<T> {

    private final Flow<T> upstream;
    private final long periodNanos;
    private final ThrottleMode mode;
    private final Scheduler scheduler;

    FlowThrottle(Flow<T> upstream, long periodNanos, ThrottleMode mode, Scheduler scheduler) {
        this.upstream = upstream;
        this.periodNanos = periodNanos;
        this.mode = mode;
        this.scheduler = scheduler;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Clocks.Participation participation = Clocks.participate(scheduler);
        try {
            long[] last = new long[1];
            boolean[] emitted = new boolean[1];
            upstream.collect(value -> {
                long now = scheduler.nanoTime();
                if (emitted[0]) {
                    long next = Clocks.plus(last[0], periodNanos);
                    if (!Clocks.reached(now, next)) {
                        if (mode == ThrottleMode.DROP) {
                            return;
                        }
                        scheduler.sleepUntil(next);
                        now = scheduler.nanoTime();
                    }
                }
                emitted[0] = true;
                last[0] = now;
                emitter.emit(value);
            });
        } finally {
            participation.close();
        }
    }
}
