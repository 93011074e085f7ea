package dev.tide.flow;

/*
 * rateLimit(permits, per, mode) and pace(d): a token bucket on the collecting thread, no helper thread, in
 * its exact form GCRA (the generic cell rate algorithm): one token every `interval` = per / permits
 * (rounded up to the nanosecond, so the rate is never above the one asked for), a bucket of `permits`
 * tokens, full at the start. An element arriving at `now` conforms when now >= tat - burst, where tat is
 * the theoretical arrival time of the next element and burst = (permits - 1) * interval; a conforming
 * element moves tat to max(tat, now) + interval. So up to `permits` elements pass at once after a quiet
 * period and, in the long run, no more than permits per `per`.
 *
 * DROP: a non-conforming element is dropped. DELAY: the collecting thread (and with it upstream) waits on
 * the scheduler until the element conforms, so nothing is lost. Time is read from the injected Scheduler
 * (virtual time in tests); the collecting thread takes part in virtual time while it runs this stage.
 */
final class FlowRateLimit<T> extends FlowOperator<T, T> {

    private final long interval;
    private final long burst;
    private final ThrottleMode mode;
    private final Scheduler scheduler;

    FlowRateLimit(Flow<T> upstream, long permits, long perNanos, ThrottleMode mode, Scheduler scheduler) {
        super(upstream);
        this.interval = Math.max(1, perNanos / permits + (perNanos % permits == 0 ? 0 : 1));
        long b;
        try {
            b = Math.multiplyExact(permits - 1, interval);
        } catch (ArithmeticException e) {
            b = Long.MAX_VALUE / 2;
        }
        this.burst = b;
        this.mode = mode;
        this.scheduler = scheduler;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Clocks.Participation participation = Clocks.participate(scheduler);
        try {
            long[] tat = new long[1];
            boolean[] started = new boolean[1];
            upstream.collect(value -> {
                long now = scheduler.nanoTime();
                if (!started[0]) {
                    started[0] = true;
                    tat[0] = now;
                }
                long conformsAt = tat[0] - burst;
                if (now - conformsAt < 0) {
                    if (mode == ThrottleMode.DROP) {
                        return;
                    }
                    scheduler.sleepUntil(conformsAt);
                    now = scheduler.nanoTime();
                }
                tat[0] = Clocks.plus(now - tat[0] > 0 ? now : tat[0], interval);
                emitter.emit(value);
            });
        } finally {
            participation.close();
        }
    }
}
