package dev.tide.flow;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/*
 * The one place tide-flow creates threads. Every thread is virtual (except the platform threads of the CPU
 * pool that mapParallel uses, see newPoolThread and CpuPool) and named
 * "tide-flow-<role>-<n>" (role = the operator or helper that owns it, e.g. "merge", "pull", "publisher"),
 * so a thread dump shows which stage a thread belongs to.
 *
 * Every thread is registered when it is created: live() answers "which tide-flow threads were started
 * and are still running right now?". The tests use it to check the structured-concurrency rule (no
 * thread outlives the terminal operation that started it). A thread removes itself in the finally block
 * of its body, so a thread that has been joined is never reported; a thread that was forgotten is
 * reported until its body ends. No ThreadLocal, no pooling: a virtual thread per task is cheap.
 *
 * Operators should not start threads directly: use FlowScope (workers feeding the collecting thread, or
 * one worker behind a pull iterator as in FlowIterator), which also joins what it starts. The one
 * exception is FlowPublisher, whose thread belongs to a Reactive Streams subscription, not to a collection.
 */
final class FlowThreads {

    private static final String PREFIX = "tide-flow-";
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final Set<Thread> LIVE = ConcurrentHashMap.newKeySet();

    private FlowThreads() {
    }

    /**
     * Creates (without starting) a named virtual thread for {@code role} that is tracked by {@link #live()}
     * from the moment it is started until its body returns. Always start the thread you create.
     */
    static Thread newThread(String role, Runnable body) {
        Objects.requireNonNull(body, "body");
        String name = PREFIX + Objects.requireNonNull(role, "role") + "-" + COUNTER.incrementAndGet();
        Thread thread = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
            } finally {
                LIVE.remove(Thread.currentThread());
            }
        });
        LIVE.add(thread);
        return thread;
    }

    /**
     * Creates (without starting) a named <em>platform</em> daemon thread for the module's CPU pool
     * ({@link CpuPool}, used by Flow.mapParallel for CPU-bound work that must not occupy the carriers of virtual
     * threads). Pool threads are shared by collections and idle between them, so they are not reported by
     * {@link #live()}; {@link CpuPool#running()} says whether one is still running a flow's work.
     */
    static Thread newPoolThread(String role, Runnable body) {
        Objects.requireNonNull(body, "body");
        String name = PREFIX + Objects.requireNonNull(role, "role") + "-" + COUNTER.incrementAndGet();
        return Thread.ofPlatform().name(name).daemon(true).unstarted(body);
    }

    /** Creates and starts a tracked virtual thread; see {@link #newThread}. */
    static Thread start(String role, Runnable body) {
        Thread thread = newThread(role, body);
        thread.start();
        return thread;
    }

    /** A thread factory for executors (e.g. the Publisher adapters); its threads are tracked too. */
    static ThreadFactory factory(String role) {
        Objects.requireNonNull(role, "role");
        return body -> newThread(role, body);
    }

    /** The tide-flow threads that were started and whose body has not returned yet (a snapshot). */
    static Set<Thread> live() {
        Set<Thread> live = new HashSet<>();
        for (Thread thread : LIVE) {
            Thread.State state = thread.getState();
            if (state != Thread.State.NEW && state != Thread.State.TERMINATED) {
                live.add(thread);
            }
        }
        return live;
    }

    /**
     * Joins {@code thread} even if the calling thread is interrupted meanwhile; the caller's interrupt
     * flag is restored afterwards. Structured operators use it so that "every thread has ended" holds
     * when a terminal operation returns, also when the collecting thread was interrupted.
     */
    static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
