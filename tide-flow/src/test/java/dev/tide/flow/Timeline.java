package dev.tide.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Test sources on a scheduler's clock: Timeline.on(vs).at(0, 1).at(10, 2).end(50) is a flow that emits 1
 * at once, 2 ten milliseconds after the collection started, and completes at 50 ms. Times are relative to
 * the start of each collection, so the same flow gives the same result when collected again. The flow
 * counts how many collections finished their finally block (to check that cancellation unwinds it).
 */
final class Timeline<T> {

    private record Step<T>(long millis, T value) {
    }

    private final Scheduler scheduler;
    private final List<Step<T>> steps = new ArrayList<>();
    final AtomicInteger finallyRan = new AtomicInteger();

    private Timeline(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    static <T> Timeline<T> on(Scheduler scheduler) {
        return new Timeline<>(scheduler);
    }

    Timeline<T> at(long millis, T value) {
        steps.add(new Step<>(millis, value));
        return this;
    }

    /** Completes at {@code millis}. */
    Flow<T> end(long millis) {
        return flow(millis, null, false);
    }

    /** Fails with {@code error} at {@code millis}. */
    Flow<T> failAt(long millis, Exception error) {
        return flow(millis, error, false);
    }

    /** Never completes: after the last element it waits until interrupted. */
    Flow<T> never() {
        return flow(0, null, true);
    }

    private Flow<T> flow(long endMillis, Exception error, boolean forever) {
        List<Step<T>> copy = List.copyOf(steps);
        return emitter -> {
            long start = scheduler.nanoTime();
            try {
                for (Step<T> step : copy) {
                    scheduler.sleepUntil(start + step.millis() * 1_000_000);
                    emitter.emit(step.value());
                }
                if (forever) {
                    scheduler.sleepUntil(Clocks.NO_DEADLINE);
                }
                scheduler.sleepUntil(start + endMillis * 1_000_000);
                if (error != null) {
                    throw error;
                }
            } finally {
                finallyRan.incrementAndGet();
            }
        };
    }

    /**
     * The flow's elements as "millis:value", the millis counted from the start of each collection on the
     * scheduler's clock (read on the collecting thread when the element is emitted).
     */
    static <T> Flow<String> stamped(Flow<T> flow, Scheduler scheduler) {
        return emitter -> {
            long start = scheduler.nanoTime();
            flow.collect(value -> emitter.emit((scheduler.nanoTime() - start) / 1_000_000 + ":" + value));
        };
    }

    /** Milliseconds as a Duration, for brevity. */
    static java.time.Duration ms(long millis) {
        return java.time.Duration.ofMillis(millis);
    }
}
