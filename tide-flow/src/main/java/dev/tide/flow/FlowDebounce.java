package dev.tide.flow;

/*
 * debounce(quiet): upstream runs on the one helper thread of a TimedPump; the collecting thread keeps the
 * latest element and a single deadline (its arrival time + quiet). A newer element replaces it and moves
 * the deadline; reaching the deadline emits it. There is one timer per collection (the deadline of the
 * collecting thread's wait), never one per element.
 *
 * Ties: an element that arrives exactly when the pending one's quiet period ends does not cancel it (the
 * quiet period has passed): the pending element is emitted first. Arrival times are the helper's stamps,
 * so the result does not depend on how fast the collecting thread is.
 */
final class FlowDebounce<T> implements Flow<T> {

    private final Flow<T> upstream;
    private final long quietNanos;
    private final Scheduler scheduler;

    FlowDebounce(Flow<T> upstream, long quietNanos, Scheduler scheduler) {
        this.upstream = upstream;
        this.quietNanos = quietNanos;
        this.scheduler = scheduler;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Clocks.Participation participation = Clocks.participate(scheduler);
        try (TimedPump<T> pump = new TimedPump<T>(upstream, scheduler, "debounce", 1).start()) {
            T pending = null;
            long due = Clocks.NO_DEADLINE;
            while (true) {
                TimedPump.Event<T> event = pump.next(due);
                if (pending != null && (event == null || Clocks.reached(event.stamp(), due))) {
                    T value = pending;
                    pending = null;
                    due = Clocks.NO_DEADLINE;
                    emitter.emit(value);
                }
                if (event == null) {
                    continue;
                }
                switch (event.kind()) {
                    case ELEMENT -> {
                        pending = event.value();
                        due = Clocks.plus(event.stamp(), quietNanos);
                    }
                    case DONE -> {
                        if (pending != null) {
                            emitter.emit(pending);
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
}
