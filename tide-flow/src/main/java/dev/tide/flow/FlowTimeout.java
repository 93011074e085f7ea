package dev.tide.flow;

import java.time.Duration;

/*
 * timeout(idle) / timeout(idle, total): upstream runs on a TimedPump helper; the collecting thread waits
 * for each event with a deadline = min(the moment it started waiting + idle, collection start + total).
 * Time spent downstream (inside emit) does not count toward the idle limit. An event stamped at or after
 * the deadline is too late, whichever thread saw it first, so the outcome does not depend on scheduling.
 * On timeout the helper is cancelled (interrupted, its upstream unwound) and joined before the
 * FlowException(TIMEOUT) is thrown.
 */
final class FlowTimeout<T> implements Flow<T> {

    private final Flow<T> upstream;
    private final Duration idle;
    private final Duration total;
    private final Scheduler scheduler;

    /** {@code idle} or {@code total} may be null (no such limit), not both. */
    FlowTimeout(Flow<T> upstream, Duration idle, Duration total, Scheduler scheduler) {
        this.upstream = upstream;
        this.idle = idle;
        this.total = total;
        this.scheduler = scheduler;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Clocks.Participation participation = Clocks.participate(scheduler);
        try (TimedPump<T> pump = new TimedPump<T>(upstream, scheduler, "timeout", 1).start()) {
            long start = scheduler.nanoTime();
            long totalDeadline = total == null ? Clocks.NO_DEADLINE : Clocks.deadline(start, total);
            long count = 0;
            while (true) {
                long idleDeadline = idle == null ? Clocks.NO_DEADLINE : Clocks.deadline(scheduler.nanoTime(), idle);
                long deadline = Math.min(idleDeadline, totalDeadline);
                TimedPump.Event<T> event = pump.next(deadline);
                if (event == null || Clocks.reached(event.stamp(), deadline)) {
                    throw timeout(deadline == totalDeadline, count);
                }
                switch (event.kind()) {
                    case ELEMENT -> {
                        count++;
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

    private FlowException timeout(boolean totalLimit, long count) {
        String what = totalLimit
                ? "the flow did not complete within " + total
                : "no element or completion within " + idle;
        return new FlowException(FlowException.Kind.TIMEOUT,
                "timeout: " + what + " (after " + count + (count == 1 ? " element)" : " elements)"));
    }
}
