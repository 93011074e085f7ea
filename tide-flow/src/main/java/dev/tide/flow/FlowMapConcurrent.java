package dev.tide.flow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * mapConcurrent (ORDERED), mapConcurrentUnordered (UNORDERED), mapConcurrentByKey (BY_KEY) and mapParallel
 * (ORDERED on platform workers): the function runs on up to `workers` threads, with at most `window`
 * elements admitted and not yet emitted.
 *
 * Threads of one collection (all joined before collect returns):
 *   - the feeder ("tide-flow-<op>-upstream-n", virtual): collects upstream; each element is admitted as a
 *     Task (blocking while `window` elements are admitted and not yet emitted: that is the backpressure) and
 *     put on the work queue (BY_KEY: only when no other element of its key is queued or running);
 *   - workers ("tide-flow-<op>-n": virtual, or platform daemons for mapParallel), started lazily while
 *     there is more queued work than idle workers, up to `workers`; each takes a task, runs the function
 *     outside the lock and completes the task; a worker ends when upstream is done and no work is queued;
 *   - the collecting thread: takes completed results (ORDERED: the head of the admission queue once it is
 *     done, so results leave in input order; otherwise in completion order) and emits them. It takes every
 *     result that is ready in one go, emits them outside the lock, and only then frees their window slots,
 *     so at most `window` results exist at any time (the reorder buffer is bounded by the window).
 *
 * BY_KEY: a map from key to the FIFO of that key's admitted tasks; only the head of each FIFO is on the work
 * queue or running, so a key's elements are processed one at a time in input order and emitted in that order
 * (results leave in completion order, and a key's next task starts only after its previous result is queued).
 * A key leaves the map when its FIFO empties, so at most `window` keys are tracked; with a budget each key
 * takes a key unit for as long as it is in the map.
 *
 * Failure and cancellation: the first failure (the function's or the key function's exception, tagged with
 * the stage; or upstream's, unchanged) is recorded, the run is cancelled (the feeder's next admission throws
 * this run's AbortFlow, every feeder and worker thread is interrupted), and the collecting thread throws it
 * at its next step: results not yet emitted are dropped (fail fast). A downstream stop (take) or failure
 * unwinds the collecting thread; close() in its finally block cancels and joins everything. Failures caused
 * by the cancellation itself are ignored.
 *
 * Locking: one ReentrantLock guards every field of the run; no user code, emit, or join runs under it.
 * Threads are started under it (a start does not block). Conditions: room (feeder), results (collector),
 * work (idle workers).
 */
final class FlowMapConcurrent<T, R> extends FlowOperator<T, R> {

    enum Order { ORDERED, UNORDERED, BY_KEY }

    private final String op;
    private final Order order;
    private final int window;
    private final int workers;
    private final boolean platform;
    private final Function<? super T, ? extends R> mapper;
    private final Function<? super T, ?> keyFunction;
    private final RealFlowBudget budget;

    FlowMapConcurrent(Flow<T> upstream, String op, Order order, int window, int workers, boolean platform,
                      Function<? super T, ? extends R> mapper, Function<? super T, ?> keyFunction,
                      RealFlowBudget budget) {
        super(upstream);
        this.op = op;
        this.order = order;
        this.window = window;
        this.workers = workers;
        this.platform = platform;
        this.mapper = mapper;
        this.keyFunction = keyFunction;
        this.budget = budget;
    }

    @Override
    public void collect(Emitter<? super R> emitter) throws Exception {
        new Run().run(emitter);
    }

    /** One admitted element. Fields are guarded by the run's lock (input is final). */
    private static final class Task {
        final Object input;
        Object key;
        Object result;
        boolean done;

        Task(Object input) {
            this.input = input;
        }
    }

    private final class Run {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition room = lock.newCondition();
        private final Condition results = lock.newCondition();
        private final Condition work = lock.newCondition();
        private final ArrayDeque<Task> admittedInOrder = new ArrayDeque<>(); // ORDERED
        private final ArrayDeque<Task> ready = new ArrayDeque<>();            // UNORDERED, BY_KEY
        private final ArrayDeque<Task> queued = new ArrayDeque<>();           // waiting for a worker
        private final Map<Object, ArrayDeque<Task>> byKey = new HashMap<>(); // BY_KEY
        private final List<Thread> threads = new ArrayList<>();
        private int admitted;
        private int workerCount;
        private int idle;
        private long keyUnits;
        private boolean upstreamDone;
        private boolean cancelled;
        private boolean feederWaiting;
        private boolean collectorWaiting;
        private Throwable failure;

        void run(Emitter<? super R> emitter) throws Exception {
            lock.lock();
            try {
                Thread feeder = FlowThreads.newThread(op + "-upstream", this::feed);
                threads.add(feeder);
                feeder.start();
            } finally {
                lock.unlock();
            }
            boolean completed = false;
            try {
                List<Object> batch = new ArrayList<>();
                int emitted = 0;
                while (true) {
                    lock.lockInterruptibly();
                    try {
                        if (emitted > 0) {
                            admitted -= emitted;
                            emitted = 0;
                            if (feederWaiting) {
                                room.signal();
                            }
                        }
                        while (true) {
                            if (failure != null) {
                                throw FlowScope.rethrow(failure);
                            }
                            takeReady(batch);
                            if (!batch.isEmpty()) {
                                break;
                            }
                            if (upstreamDone && admitted == 0) {
                                completed = true;
                                return;
                            }
                            collectorWaiting = true;
                            try {
                                results.await();
                            } finally {
                                collectorWaiting = false;
                            }
                        }
                    } finally {
                        lock.unlock();
                    }
                    for (Object value : batch) {
                        @SuppressWarnings("unchecked")
                        R result = (R) value;
                        emitter.emit(result);
                        emitted++;
                    }
                    batch.clear();
                }
            } finally {
                close(completed);
            }
        }

        /** Moves every result that may leave now into {@code batch}. Lock held. */
        private void takeReady(List<Object> batch) {
            if (order == Order.ORDERED) {
                Task head;
                while ((head = admittedInOrder.peek()) != null && head.done) {
                    admittedInOrder.poll();
                    batch.add(head.result);
                }
            } else {
                Task task;
                while ((task = ready.poll()) != null) {
                    batch.add(task.result);
                }
            }
        }

        private void feed() {
            try {
                upstream.collect(this::admit);
                lock.lock();
                try {
                    upstreamDone = true;
                    results.signal();
                    work.signalAll();
                } finally {
                    lock.unlock();
                }
            } catch (AbortFlow e) {
                if (!e.isOwnedBy(this)) {
                    fail(e);
                }
            } catch (Throwable t) {
                fail(t);
            }
        }

        private void admit(T value) throws InterruptedException {
            Object key = null;
            if (order == Order.BY_KEY) {
                try {
                    key = keyFunction.apply(value);
                } catch (RuntimeException | Error e) {
                    Stages.tag(e, op, FlowMapConcurrent.this);
                    throw e;
                }
                if (key == null) {
                    throw Stages.tag(new NullPointerException(op + " key function returned null for " + value), op,
                            FlowMapConcurrent.this);
                }
            }
            lock.lockInterruptibly();
            try {
                while (!cancelled && admitted >= window) {
                    feederWaiting = true;
                    try {
                        room.await();
                    } finally {
                        feederWaiting = false;
                    }
                }
                if (cancelled) {
                    throw new AbortFlow(this);
                }
                Task task = new Task(value);
                switch (order) {
                    case ORDERED -> {
                        admittedInOrder.add(task);
                        dispatch(task);
                    }
                    case UNORDERED -> dispatch(task);
                    case BY_KEY -> {
                        ArrayDeque<Task> fifo = byKey.get(key);
                        if (fifo == null) {
                            if (budget != null) {
                                if (!budget.tryAcquireKey()) {
                                    if (budget.policy() == FlowBudget.Policy.FAIL) {
                                        throw budget.keysExceeded(op + "#" + stageIndex());
                                    }
                                    budget.recordShedKey();
                                    return; // shed: the element is dropped, and counted
                                }
                                keyUnits++;
                            }
                            fifo = new ArrayDeque<>(2);
                            byKey.put(key, fifo);
                            task.key = key;
                            fifo.add(task);
                            dispatch(task);
                        } else {
                            task.key = key;
                            fifo.add(task);
                        }
                    }
                }
                admitted++;
            } finally {
                lock.unlock();
            }
        }

        /** Queues a task for a worker, starting one if no idle worker is left for it. Lock held. */
        private void dispatch(Task task) {
            queued.add(task);
            if (queued.size() > idle && workerCount < workers && !cancelled) {
                workerCount++;
                Runnable body = this::workLoop;
                Thread worker = platform ? FlowThreads.newPlatformThread(op, body) : FlowThreads.newThread(op, body);
                threads.add(worker);
                worker.start();
            } else if (idle > 0) {
                work.signal();
            }
        }

        private void workLoop() {
            try {
                while (true) {
                    Task task;
                    lock.lockInterruptibly();
                    try {
                        while (queued.isEmpty() && !cancelled && !upstreamDone) {
                            idle++;
                            try {
                                work.await();
                            } finally {
                                idle--;
                            }
                        }
                        task = cancelled ? null : queued.poll();
                        if (task == null) {
                            workerCount--;
                            return;
                        }
                    } finally {
                        lock.unlock();
                    }
                    @SuppressWarnings("unchecked")
                    T input = (T) task.input;
                    R result;
                    try {
                        result = mapper.apply(input);
                    } catch (RuntimeException | Error e) {
                        fail(Stages.tag(e, op, FlowMapConcurrent.this));
                        return;
                    }
                    if (result == null) {
                        fail(Stages.tag(new NullPointerException(op + " function returned null for " + input), op,
                                FlowMapConcurrent.this));
                        return;
                    }
                    complete(task, result);
                }
            } catch (InterruptedException e) {
                // cancelled: the run is over
            }
        }

        private void complete(Task task, Object result) {
            lock.lock();
            try {
                task.result = result;
                task.done = true;
                switch (order) {
                    case ORDERED -> {
                        if (collectorWaiting && admittedInOrder.peek() == task) {
                            results.signal();
                        }
                    }
                    case UNORDERED -> {
                        ready.add(task);
                        if (collectorWaiting) {
                            results.signal();
                        }
                    }
                    case BY_KEY -> {
                        ready.add(task);
                        ArrayDeque<Task> fifo = byKey.get(task.key);
                        fifo.poll();
                        Task next = fifo.peek();
                        if (next == null) {
                            byKey.remove(task.key);
                            if (budget != null) {
                                budget.releaseKeys(1);
                                keyUnits--;
                            }
                        } else if (!cancelled) {
                            dispatch(next);
                        }
                        if (collectorWaiting) {
                            results.signal();
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        /** Records the first failure and cancels the run; later failures (and those it causes) are ignored. */
        private void fail(Throwable t) {
            List<Thread> toInterrupt;
            lock.lock();
            try {
                if (cancelled) {
                    return;
                }
                failure = t;
                toInterrupt = cancelLocked();
            } finally {
                lock.unlock();
            }
            interrupt(toInterrupt);
        }

        private List<Thread> cancelLocked() {
            cancelled = true;
            room.signalAll();
            results.signalAll();
            work.signalAll();
            return new ArrayList<>(threads);
        }

        private void interrupt(List<Thread> toInterrupt) {
            Thread self = Thread.currentThread();
            for (Thread thread : toInterrupt) {
                if (thread != self && thread.isAlive()) {
                    thread.interrupt();
                }
            }
        }

        /** Cancels what still runs (unless the run completed), joins every thread, gives back budget units. */
        private void close(boolean completed) {
            List<Thread> toJoin;
            List<Thread> toInterrupt = List.of();
            lock.lock();
            try {
                if (completed) {
                    cancelled = true;
                    work.signalAll();
                    toJoin = new ArrayList<>(threads);
                } else {
                    toInterrupt = cancelLocked();
                    toJoin = toInterrupt;
                }
            } finally {
                lock.unlock();
            }
            interrupt(toInterrupt);
            for (Thread thread : toJoin) {
                FlowThreads.joinUninterruptibly(thread);
            }
            if (budget != null && keyUnits > 0) {
                budget.releaseKeys(keyUnits);
                keyUnits = 0;
            }
        }
    }
}
