package dev.tide.flow;

/* emitAfter(delay, value): waits `delay` on the scheduler from the start of the collection, emits, completes. */
final class FlowEmitAfter<T> implements Flow<T> {

    private final long delayNanos;
    private final T value;
    private final Scheduler scheduler;

    FlowEmitAfter(long delayNanos, T value, Scheduler scheduler) {
        this.delayNanos = delayNanos;
        this.value = value;
        this.scheduler = scheduler;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Clocks.Participation participation = Clocks.participate(scheduler);
        try {
            scheduler.sleepUntil(Clocks.plus(scheduler.nanoTime(), delayNanos));
            emitter.emit(value);
        } finally {
            participation.close();
        }
    }
}
