package dev.tide.flow;

import java.util.concurrent.TimeUnit;

/** The scheduler on {@link System#nanoTime()}; waits park the calling thread. */
final class SystemScheduler implements Scheduler {

    static final SystemScheduler INSTANCE = new SystemScheduler();

    private SystemScheduler() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void sleepUntil(long deadlineNanos) throws InterruptedException {
        while (true) {
            if (deadlineNanos == Clocks.NO_DEADLINE) {
                TimeUnit.DAYS.sleep(1);
                continue;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                return;
            }
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }

    @Override
    public String toString() {
        return "Scheduler.system()";
    }
}
