package dev.tide.flow;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * The module's pool of platform threads for CPU-bound work (Flow.mapParallel): "tide-flow-cpu-n", daemons.
 *
 * Why a shared pool: CPU-bound calls must not run on virtual threads (they would occupy the carriers that
 * every virtual thread of the application shares), and starting platform threads for every collection costs
 * about 0.1 ms each, a large share of a short CPU-bound collection. So the threads are reused.
 *
 * Why it cannot deadlock: the pool has no fixed size. A task either finds an idle thread or gets a new one
 * (a cached pool), so a mapParallel nested inside another one's function never waits for a thread held by
 * its caller. Each collection bounds its own use (at most `parallelism` tasks), so the pool only grows to the
 * sum of the parallelism of the collections running at once. Threads end after 30 s without work.
 *
 * Structure: a collection hands the pool its worker loops and, before its terminal operation returns, waits
 * until every one of them has ended (see FlowMapConcurrent.close). So no work of a flow outlives its terminal
 * operation; the pool's threads are then idle (running() counts the tasks in progress; the tests check it).
 * The pool clears a thread's interrupt flag before each task (ThreadPoolExecutor does), so a cancellation
 * never leaks into the next collection's work.
 */
final class CpuPool {

    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), body -> FlowThreads.newPoolThread("cpu", body));
    private static final AtomicInteger RUNNING = new AtomicInteger();

    private CpuPool() {
    }

    /**
     * Runs {@code task} on a pool thread, then {@code after} (also when the task throws), once the task no
     * longer counts as running. Never blocks.
     */
    static void execute(Runnable task, Runnable after) {
        RUNNING.incrementAndGet();
        try {
            POOL.execute(() -> {
                try {
                    task.run();
                } finally {
                    RUNNING.decrementAndGet();
                    after.run();
                }
            });
        } catch (RuntimeException | Error e) {
            RUNNING.decrementAndGet();
            throw e;
        }
    }

    /** How many tasks are queued or running right now (for tests: 0 once every collection has returned). */
    static int running() {
        return RUNNING.get();
    }
}
