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
 * (ORDERED on platform workers): the function runs on up to `workers` threads at once.
 *
 * Bounds (all per collection):
 *   - `workers`: calls running at once;
 *   - `window`: elements whose call has started and whose result has not been emitted yet (running calls plus
 *     results waiting for their turn). ORDERED uses workers + 1, so the reorder buffer (results waiting behind
 *     a running head) never holds more than `workers` results, while the worker that finishes the head can
 *     start its next call at once;
 *   - `prefetch`: elements received from upstream and waiting for a worker (ORDERED, UNORDERED). So no worker
 *     ever waits for the upstream thread or for the collecting thread in steady state.
 *   BY_KEY admits at most `window` elements in total (running, waiting behind their key, or done), prefetch
 *   is not used.
 *
 * Threads of one collection (all ended, or for pool loops: returned to the pool, before collect returns):
 *   - the feeder ("tide-flow-<op>-upstream-n", virtual): collects upstream; each element becomes a Task, put on
 *     the work queue (BY_KEY: only when no other element of its key is queued or running, otherwise behind
 *     it in the key's FIFO); the feeder blocks while the work queue holds `prefetch` tasks (BY_KEY: while
 *     `window` elements are admitted): that is the backpressure;
 *   - workers ("tide-flow-<op>-n", virtual; for mapParallel, loops run on threads of the module's CpuPool,
 *     "tide-flow-cpu-n", platform daemons shared by collections), started lazily while there is more
 *     startable work than idle workers, up to `workers`; each takes a task (when the window allows), runs the
 *     function outside the lock and completes the task; a worker ends when upstream is done and no work is
 *     queued (BY_KEY starts a new one if later work appears). close() joins the virtual threads and waits
 *     until every pool loop has ended; a pool thread is interrupted only while it runs a loop of this run;
 *   - the collecting thread: takes completed results (ORDERED: the head of the admission queue once it is
 *     done, so results leave in input order; otherwise in completion order) and emits them. It takes every
 *     result that is ready in one go, emits them outside the lock, and only then frees their window slots.
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
    private final int reorder;
    private final int workers;
    private final int prefetch;
    private final boolean platform;
    private final Function<? super T, ? extends R> mapper;
    private final Function<? super T, ?> keyFunction;
    private final RealFlowBudget budget;

    private FlowMapConcurrent(Flow<T> upstream, String op, Order order, int window, int reorder, int workers,
                              int prefetch, boolean platform,
                      Function<? super T, ? extends R> mapper, Function<? super T, ?> keyFunction,
                      RealFlowBudget budget) {
        super(upstream);
        this.op = op;
        this.order = order;
        this.window = window;
        this.reorder = reorder;
        this.workers = workers;
        this.prefetch = prefetch;
        this.platform = platform;
        this.mapper = mapper;
        this.keyFunction = keyFunction;
        this.budget = budget;
    }

    /**
     * Elements prefetched for the workers (at least), and results that may wait for the collecting thread once
     * they are free to leave (in completion order, or, ordered, behind no unfinished element).
     */
    static final int BATCH = 32;

    /**
     * mapConcurrent: n virtual workers; at most n results done behind an unfinished element (the reorder
     * buffer); at most 32 more that are free to leave; max(n, 32) prefetched.
     */
    static <T, R> FlowMapConcurrent<T, R> ordered(Flow<T> upstream, int n, Function<? super T, ? extends R> mapper) {
        return new FlowMapConcurrent<>(upstream, "mapConcurrent", Order.ORDERED, plus(plus(n, 1), BATCH), n, n,
                Math.max(n, BATCH), false, mapper, null, null);
    }

    /**
     * mapConcurrentUnordered: n virtual workers, at most max(n, 32) results waiting for the collector,
     * max(n, 32) prefetched.
     */
    static <T, R> FlowMapConcurrent<T, R> unordered(Flow<T> upstream, int n, Function<? super T, ? extends R> mapper) {
        int batch = Math.max(n, BATCH);
        return new FlowMapConcurrent<>(upstream, "mapConcurrentUnordered", Order.UNORDERED, plus(n, batch), 0, n,
                batch, false, mapper, null, null);
    }

    /** mapConcurrentByKey: n virtual workers, at most n elements admitted. */
    static <T, R> FlowMapConcurrent<T, R> byKey(Flow<T> upstream, int n, Function<? super T, ?> key,
                                               Function<? super T, ? extends R> mapper, RealFlowBudget budget) {
        return new FlowMapConcurrent<>(upstream, "mapConcurrentByKey", Order.BY_KEY, n, 0, n, 0, false, mapper, key,
                budget);
    }

    /** mapParallel: p platform workers, a reorder buffer of 4p, 32 more free to leave, max(4p, 32) prefetched. */
    static <T, R> FlowMapConcurrent<T, R> parallel(Flow<T> upstream, int p, Function<? super T, ? extends R> mapper) {
        int reorder = p > Integer.MAX_VALUE / 4 ? Integer.MAX_VALUE : 4 * p;
        return new FlowMapConcurrent<>(upstream, "mapParallel", Order.ORDERED, plus(plus(reorder, 1), BATCH), reorder,
                p, Math.max(reorder, BATCH), true, mapper, null, null);
    }

    private static int plus(int a, int b) {
        long sum = (long) a + b;
        return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
    }

    @Override
    public void collect(Emitter<? super R> emitter) throws Exception {
        new Run().run(emitter);
    }

    /** One admitted element. Fields are guarded by the run's lock (input is final). */
    private static final class Task {
        final Object input;
        long seq;
        Object key;
        Object result;
        boolean done;

        Task(Object input) {
            this.input = input;
        }
    }

    /** The admitted tasks of an ordered run, oldest first, indexable by sequence number. Guarded by the run's lock. */
    private static final class Ring {
        private Task[] items = new Task[16];
        private int head;
        private int size;

        void addLast(Task task) {
            if (size == items.length) {
                Task[] bigger = new Task[items.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = items[(head + i) & (items.length - 1)];
                }
                items = bigger;
                head = 0;
            }
            items[(head + size) & (items.length - 1)] = task;
            size++;
        }

        Task first() {
            return size == 0 ? null : items[head];
        }

        Task pollFirst() {
            Task task = items[head];
            items[head] = null;
            head = (head + 1) & (items.length - 1);
            size--;
            return task;
        }

        /** The task {@code offset} places after the first. */
        Task get(long offset) {
            return items[(int) ((head + offset) & (items.length - 1))];
        }
    }

    private final class Run {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition room = lock.newCondition();
        private final Condition results = lock.newCondition();
        private final Condition work = lock.newCondition();
        private final Ring inOrder = new Ring();                               // ORDERED
        private final ArrayDeque<Task> ready = new ArrayDeque<>();            // UNORDERED, BY_KEY
        private final ArrayDeque<Task> queued = new ArrayDeque<>();           // waiting for a worker
        private final Map<Object, ArrayDeque<Task>> byKey = new HashMap<>(); // BY_KEY
        private final List<Thread> threads = new ArrayList<>();       // the feeder and virtual workers
        private final List<Thread> poolThreads = new ArrayList<>();   // CPU pool threads running a loop of this run
        private final Condition loopsDone = lock.newCondition();
        private int poolLoops;                                        // loops handed to the CPU pool, not yet ended
        private int admitted;
        private int started;
        private long nextSeq;       // ORDERED: the sequence number of the next admitted element
        private long emittedSeq;    // ORDERED: the sequence number of the oldest element not emitted
        private long doneFrontier;  // ORDERED: the sequence number of the oldest element not done
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
                            started -= emitted;
                            emitted = 0;
                            progress();
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
                while ((head = inOrder.first()) != null && head.done) {
                    inOrder.pollFirst();
                    emittedSeq++;
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
                while (!cancelled && (order == Order.BY_KEY ? admitted >= window : queued.size() >= prefetch)) {
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
                        task.seq = nextSeq++;
                        inOrder.addLast(task);
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

        /** Queues a task for a worker. Lock held. */
        private void dispatch(Task task) {
            queued.add(task);
            progress();
        }

        /**
         * After any change of the counts: wakes the feeder if it may admit again, and wakes (or starts) as many
         * workers as there are tasks that may start now. Lock held.
         */
        private void progress() {
            if (cancelled) {
                return;
            }
            // hysteresis: a waiting feeder is woken once the work queue has drained to half, so it refills it in
            // one go instead of waking for every task taken
            if (feederWaiting && (order == Order.BY_KEY ? admitted < window : queued.size() <= prefetch / 2)) {
                room.signal();
            }
            int startable = startable();
            if (startable <= 0) {
                return;
            }
            if (startable > idle && workerCount < workers) {
                workerCount++;
                if (platform) {
                    poolLoops++;
                    CpuPool.execute(this::poolLoop, this::poolLoopEnded);
                } else {
                    Thread worker = FlowThreads.newThread(op, this::workLoop);
                    threads.add(worker);
                    worker.start();
                }
            }
            for (int i = Math.min(startable, idle); i > 0; i--) {
                work.signal();
            }
        }

        /** How many queued tasks may start now. Lock held. */
        private int startable() {
            Task next = queued.peek();
            if (next == null) {
                return 0;
            }
            long allowed = Math.min(queued.size(), (long) window - started);
            if (order == Order.ORDERED) {
                // no more than `reorder` results may end up done behind the oldest unfinished element
                allowed = Math.min(allowed, doneFrontier + reorder - next.seq + 1);
            }
            return (int) Math.max(0, allowed);
        }

        /** A worker loop on a thread of the CPU pool: registered so that a cancellation can interrupt it. */
        private void poolLoop() {
            lock.lock();
            try {
                poolThreads.add(Thread.currentThread());
            } finally {
                lock.unlock();
            }
            workLoop();
        }

        /** After a pool loop ended (and no longer counts as running in the pool). */
        private void poolLoopEnded() {
            lock.lock();
            try {
                poolThreads.remove(Thread.currentThread());
                poolLoops--;
                if (poolLoops == 0) {
                    loopsDone.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        private void workLoop() {
            try {
                while (true) {
                    Task task;
                    lock.lockInterruptibly();
                    try {
                        while (!cancelled && (queued.isEmpty() ? !upstreamDone : startable() == 0)) {
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
                        started++;
                        if (feederWaiting) {
                            progress();
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
                        if (task.seq == doneFrontier) {
                            while (doneFrontier < nextSeq && inOrder.get(doneFrontier - emittedSeq).done) {
                                doneFrontier++;
                            }
                            progress();
                        }
                        if (collectorWaiting && task.seq == emittedSeq) {
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
            // a pool thread is interrupted only while it runs a loop of this run (under the lock that it takes to
            // deregister), never after it went back to the pool
            Thread self = Thread.currentThread();
            for (Thread thread : poolThreads) {
                if (thread != self) {
                    thread.interrupt();
                }
            }
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
            lock.lock();
            try {
                while (poolLoops > 0) {
                    loopsDone.awaitUninterruptibly();
                }
            } finally {
                lock.unlock();
            }
            if (budget != null && keyUnits > 0) {
                budget.releaseKeys(keyUnits);
                keyUnits = 0;
            }
        }
    }
}
