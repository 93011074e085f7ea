package dev.tide.cli;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Virtual time: sleeping jumps to the deadline at once and records it. Thread-safe. */
final class VirtualPacer implements Pacer {

    private final AtomicLong now;
    private final List<Long> deadlines = new CopyOnWriteArrayList<>();

    VirtualPacer(long start) {
        this.now = new AtomicLong(start);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void sleepUntil(long deadline) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        deadlines.add(deadline);
        now.accumulateAndGet(deadline, Math::max);
    }

    /** Moves time forward, as a slow operation would. */
    void advance(long nanos) {
        now.addAndGet(nanos);
    }

    /** Every deadline slept to, in order. */
    List<Long> deadlines() {
        return List.copyOf(deadlines);
    }
}
