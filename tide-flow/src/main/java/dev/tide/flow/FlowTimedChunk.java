package dev.tide.flow;

import java.util.ArrayList;
import java.util.List;

/*
 * chunk(n, maxWait): upstream runs on a TimedPump helper; the collecting thread fills a chunk and emits it
 * when it holds n elements, or when maxWait has passed since its first element arrived (a partial chunk),
 * or at completion (the last, partial chunk). An element arriving exactly when maxWait ends goes to the
 * next chunk. A failure is passed on at once; the elements of the unfinished chunk are not emitted.
 */
final class FlowTimedChunk<T> implements Flow<List<T>> {

    private final Flow<T> upstream;
    private final int size;
    private final long maxWaitNanos;
    private final Scheduler scheduler;

    FlowTimedChunk(Flow<T> upstream, int size, long maxWaitNanos, Scheduler scheduler) {
        this.upstream = upstream;
        this.size = size;
        this.maxWaitNanos = maxWaitNanos;
        this.scheduler = scheduler;
    }

    @Override
    public void collect(Emitter<? super List<T>> emitter) throws Exception {
        Clocks.Participation participation = Clocks.participate(scheduler);
        try (TimedPump<T> pump = new TimedPump<T>(upstream, scheduler, "chunk", 1).start()) {
            List<T> chunk = new ArrayList<>();
            long due = Clocks.NO_DEADLINE;
            while (true) {
                TimedPump.Event<T> event = pump.next(due);
                if (!chunk.isEmpty() && (event == null || Clocks.reached(event.stamp(), due))) {
                    List<T> full = List.copyOf(chunk);
                    chunk.clear();
                    due = Clocks.NO_DEADLINE;
                    emitter.emit(full);
                }
                if (event == null) {
                    continue;
                }
                switch (event.kind()) {
                    case ELEMENT -> {
                        if (chunk.isEmpty()) {
                            due = Clocks.plus(event.stamp(), maxWaitNanos);
                        }
                        chunk.add(event.value());
                        if (chunk.size() == size) {
                            List<T> full = List.copyOf(chunk);
                            chunk.clear();
                            due = Clocks.NO_DEADLINE;
                            emitter.emit(full);
                        }
                    }
                    case DONE -> {
                        if (!chunk.isEmpty()) {
                            emitter.emit(List.copyOf(chunk));
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
