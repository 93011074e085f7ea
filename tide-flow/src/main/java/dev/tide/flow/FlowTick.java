package dev.tide.flow;

/*
 * tick(period): slot k is due at start + k * period (start = when the collection began), computed from
 * the start each time, so the rate never drifts however long emit takes. The element is the slot number.
 * If downstream was so slow that slots went by, they are skipped (never emitted in a burst): the next
 * element is the first slot whose time has not passed, and the gap in the numbers shows how many were
 * missed.
 */
final class FlowTick implements Flow<Long> {

    private final long periodNanos;
    private final Scheduler scheduler;

    FlowTick(long periodNanos, Scheduler scheduler) {
        this.periodNanos = periodNanos;
        this.scheduler = scheduler;
    }

    @Override
    public void collect(Emitter<? super Long> emitter) throws Exception {
        Clocks.Participation participation = Clocks.participate(scheduler);
        try {
            long start = scheduler.nanoTime();
            long slot = 0;
            while (true) {
                scheduler.sleepUntil(slotTime(start, slot));
                emitter.emit(slot);
                long elapsed = scheduler.nanoTime() - start;
                long firstNotPassed = elapsed / periodNanos + (elapsed % periodNanos == 0 ? 0 : 1);
                slot = Math.max(slot + 1, firstNotPassed);
            }
        } finally {
            participation.close();
        }
    }

    private long slotTime(long start, long slot) {
        if (slot > Long.MAX_VALUE / periodNanos) {
            return Clocks.NO_DEADLINE;
        }
        return Clocks.plus(start, slot * periodNanos);
    }
}
