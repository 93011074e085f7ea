package dev.tide.flow;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@link Flow#race}: every source is collected at once, each on its own worker of one {@link FlowScope};
 * the first source to emit an element wins, and the flow is then exactly that source: its elements, its
 * completion, its failure. The others are cancelled the moment the winner is chosen (their emit throws,
 * their threads are interrupted, their finally blocks run) and whatever they do afterwards is ignored.
 *
 * <p>Before a winner is chosen, a source that completes without emitting just leaves the race, and a
 * source that fails fails the whole flow (fail fast: an error is not hidden behind a slower source).
 * When every source completes without emitting, the flow completes empty.
 */
final class FlowRace<T> implements Flow<T>, Stages.Stage {

    private final List<Flow<? extends T>> sources;
    private final int index;

    FlowRace(List<Flow<? extends T>> sources) {
        this.sources = sources;
        this.index = Stages.after(sources);
    }

    @Override
    public int stageIndex() {
        return index;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        int n = sources.size();
        AtomicInteger winner = new AtomicInteger(-1);
        AtomicReferenceArray<Thread> threads = new AtomicReferenceArray<>(n);
        try (FlowScope<T> scope = new FlowScope<>("race", FlowMerge.HANDOFF)) {
            for (int i = 0; i < n; i++) {
                int me = i;
                Flow<? extends T> source = sources.get(i);
                Object lost = new Object();
                scope.fork(out -> {
                    threads.set(me, Thread.currentThread());
                    int w = winner.get();
                    if (w != -1 && w != me) {
                        return;
                    }
                    try {
                        source.collect(value -> {
                            int current = winner.get();
                            if (current == -1 && winner.compareAndSet(-1, me)) {
                                cancelOthers(threads, me);
                            } else if (winner.get() != me) {
                                throw new AbortFlow(lost);
                            }
                            out.emit(value);
                        });
                    } catch (Throwable t) {
                        int decided = winner.get();
                        if (decided != -1 && decided != me) {
                            return;
                        }
                        throw t;
                    }
                });
            }
            scope.drainTo(emitter);
        }
    }

    private static void cancelOthers(AtomicReferenceArray<Thread> threads, int me) {
        for (int i = 0; i < threads.length(); i++) {
            Thread thread = threads.get(i);
            if (i != me && thread != null) {
                thread.interrupt();
            }
        }
    }
}
