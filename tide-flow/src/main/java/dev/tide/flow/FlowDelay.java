package dev.tide.flow;

/*
 * delay(d): upstream runs on a TimedPump helper that stamps each element with its arrival time; the
 * collecting thread emits each element at (arrival + d), so the spacing between elements is kept. The
 * helper may run up to CAPACITY elements ahead; beyond that its emit blocks (and later elements arrive,
 * hence leave, later). Completion and failure are passed on right after the elements before them.
 */
final class FlowDelay<T> implements Flow<T> {

    static final int CAPACITY = 256;

    private final Flow<T> upstream;
    private final long delayNanos;
    private final Scheduler scheduler;

    FlowDelay(Flow<T> upstream, long delayNanos, Scheduler scheduler) {
        this.upstream = upstream;
        this.delayNanos = delayNanos;
        this.scheduler = scheduler;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Clocks.Participation participation = Clocks.participate(scheduler);
        try (TimedPump<T> pump = new TimedPump<T>(upstream, scheduler, "delay", CAPACITY).start()) {
            while (true) {
                TimedPump.Event<T> event = pump.next(Clocks.NO_DEADLINE);
                switch (event.kind()) {
                    case ELEMENT -> {
                        scheduler.sleepUntil(Clocks.plus(event.stamp(), delayNanos));
                        emitter.emit(event.value());
                    }
                    case DONE -> {
                        return;
                    }
                    case FAILED -> throw TimedPump.rethrow(event.error());
                }
            }
        } finally {
            participation.close();
        }
    }
}
