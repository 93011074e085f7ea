package dev.tide.flow;

/*
 * sample(period): upstream runs on a TimedPump helper; the collecting thread keeps the latest element not
 * yet emitted and waits for the next tick of a fixed grid (start + k * period, k >= 1, start = when the
 * collection began). At a tick it emits that element, if there is one. Ticks missed while downstream was
 * slow are skipped (they would have nothing new to emit): the next tick is the next grid point after now.
 *
 * Ties: an element that arrives exactly at a tick belongs to the next tick (the tick happens first).
 */
final class FlowSample<T> implements Flow<T> {

    private final Flow<T> upstream;
    private final long periodNanos;
    private final Scheduler scheduler;

    FlowSample(Flow<T> upstream, long periodNanos, Scheduler scheduler) {
        this.upstream = upstream;
        this.periodNanos = periodNanos;
        this.scheduler = scheduler;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Clocks.Participation participation = Clocks.participate(scheduler);
        try (TimedPump<T> pump = new TimedPump<T>(upstream, scheduler, "sample", 1).start()) {
            long start = scheduler.nanoTime();
            long nextTick = Clocks.plus(start, periodNanos);
            T latest = null;
            while (true) {
                TimedPump.Event<T> event = pump.next(nextTick);
                long at = event == null ? scheduler.nanoTime() : event.stamp();
                if (Clocks.reached(at, nextTick)) {
                    nextTick = tickAfter(start, at);
                    if (latest != null) {
                        T value = latest;
                        latest = null;
                        emitter.emit(value);
                    }
                }
                if (event == null) {
                    continue;
                }
                switch (event.kind()) {
                    case ELEMENT -> latest = event.value();
                    case DONE -> {
                        if (latest != null) {
                            emitter.emit(latest);
                        }
                        return;
                    }
                    case FAILED -> throw TimedPump.rethrow(event.error());
                }
            }
        } finally {
            participation.close();
        }
    }

    /** The first grid point start + k * period strictly after {@code time}. */
    private long tickAfter(long start, long time) {
        long k = (time - start) / periodNanos + 1;
        if (k > Long.MAX_VALUE / periodNanos) {
            return Clocks.NO_DEADLINE;
        }
        return Clocks.plus(start, k * periodNanos);
    }
}
