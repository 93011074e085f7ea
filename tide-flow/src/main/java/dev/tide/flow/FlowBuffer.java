package dev.tide.flow;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * buffer(spec) / prefetch(n): upstream runs ahead on its own virtual thread ("tide-flow-buffer-n") and puts
 * its elements into a bounded queue; the collecting thread takes them and emits them, in order.
 *
 * When an element arrives at a full queue:
 *   BLOCK        the producer pauses (one backpressure event) until the queue has drained to the resume
 *                watermark (capacity - 1 unless set lower: hysteresis);
 *   DROP_OLDEST  the head is dropped (counted), the element queued;
 *   DROP_NEWEST  the element is dropped (counted);
 *   FAIL         the run records FlowException(BACKPRESSURE_OVERFLOW) and stops upstream.
 * Drops and overflows are reported to the spec's metrics (recordDrop / recordBackpressure); the depth after
 * every change too. With a budget, every queued element holds an item unit from when it is queued until it
 * is taken (or dropped); a refused unit fails the run (FAIL) or drops the element (SHED, counted).
 *
 * A failure on the producer side (upstream's, an overflow, a budget refusal) is queued behind the elements
 * already buffered: the collecting thread emits them, then throws it (upstream's exception unchanged).
 * A downstream stop or failure cancels the producer (its next put throws this run's AbortFlow, its thread is
 * interrupted) and joins it before collect returns; budget units still held are given back.
 *
 * Locking: one ReentrantLock for the queue and flags; the producer waits on `room`, the collecting thread on
 * `filled`; no user code or emit under the lock.
 */
final class FlowBuffer<T> extends FlowOperator<T, T> {

    private final String op;
    private final BufferSpec spec;

    FlowBuffer(Flow<T> upstream, String op, BufferSpec spec) {
        super(upstream);
        this.op = op;
        this.spec = spec;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        new Run().run(emitter);
    }

    private final class Run {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition room = lock.newCondition();
        private final Condition filled = lock.newCondition();
        private final ArrayDeque<T> queue = new ArrayDeque<>(Math.min(spec.capacity(), 1024));
        private final FlowMetrics metrics = spec.metrics().orElse(null);
        private final RealFlowBudget budget = (RealFlowBudget) spec.budget().orElse(null);
        private final int capacity = spec.capacity();
        private final int resumeAt = spec.resumeAt();
        private boolean paused;
        private boolean done;
        private boolean cancelled;
        private boolean consumerWaiting;
        private Throwable failure;

        void run(Emitter<? super T> emitter) throws Exception {
            Thread producer = FlowThreads.newThread(op, this::produce);
            producer.start();
            try {
                while (true) {
                    T value;
                    lock.lockInterruptibly();
                    try {
                        while ((value = queue.poll()) == null) {
                            if (done) {
                                if (failure != null) {
                                    throw FlowScope.rethrow(failure);
                                }
                                return;
                            }
                            consumerWaiting = true;
                            try {
                                filled.await();
                            } finally {
                                consumerWaiting = false;
                            }
                        }
                        if (paused && queue.size() <= resumeAt) {
                            paused = false;
                            room.signal();
                        }
                        if (budget != null) {
                            budget.releaseItems(1);
                        }
                        if (metrics != null) {
                            metrics.queueDepth(queue.size());
                        }
                    } finally {
                        lock.unlock();
                    }
                    emitter.emit(value);
                }
            } finally {
                lock.lock();
                try {
                    cancelled = true;
                    room.signalAll();
                } finally {
                    lock.unlock();
                }
                if (producer.isAlive()) {
                    producer.interrupt();
                }
                FlowThreads.joinUninterruptibly(producer);
                if (budget != null && !queue.isEmpty()) {
                    budget.releaseItems(queue.size()); // elements left behind by a stop or a failure
                }
            }
        }

        private void produce() {
            Throwable error = null;
            try {
                upstream.collect(this::put);
            } catch (AbortFlow e) {
                if (!e.isOwnedBy(this)) {
                    error = e;
                }
            } catch (Throwable t) {
                error = t;
            } finally {
                lock.lock();
                try {
                    if (failure == null) {
                        failure = error;
                    }
                    done = true;
                    filled.signal();
                } finally {
                    lock.unlock();
                }
            }
        }

        private void put(T value) throws InterruptedException {
            lock.lockInterruptibly();
            try {
                if (cancelled) {
                    throw new AbortFlow(this);
                }
                if (queue.size() >= capacity) {
                    switch (spec.overflow()) {
                        case BLOCK -> {
                            paused = true;
                            if (metrics != null) {
                                metrics.recordBackpressure();
                            }
                            while (paused && !cancelled) {
                                room.await();
                            }
                            if (cancelled) {
                                throw new AbortFlow(this);
                            }
                        }
                        case DROP_OLDEST -> {
                            queue.poll();
                            if (budget != null) {
                                budget.releaseItems(1);
                            }
                            dropped();
                        }
                        case DROP_NEWEST -> {
                            dropped();
                            return;
                        }
                        case FAIL -> {
                            if (metrics != null) {
                                metrics.recordBackpressure();
                            }
                            failure = new FlowException(FlowException.Kind.BACKPRESSURE_OVERFLOW, op + "#"
                                    + stageIndex() + " overflowed: " + capacity + " elements buffered and " + value
                                    + " arrived (Overflow.FAIL)");
                            throw new AbortFlow(this);
                        }
                    }
                }
                if (budget != null && !budget.tryAcquireItem()) {
                    if (budget.policy() == FlowBudget.Policy.FAIL) {
                        failure = budget.itemsExceeded(op + "#" + stageIndex());
                        throw new AbortFlow(this);
                    }
                    budget.recordShedItem();
                    if (metrics != null) {
                        metrics.recordDrop();
                    }
                    return;
                }
                queue.add(value);
                if (metrics != null) {
                    metrics.queueDepth(queue.size());
                }
                if (consumerWaiting) {
                    filled.signal();
                }
            } finally {
                lock.unlock();
            }
        }

        private void dropped() {
            if (metrics != null) {
                metrics.recordDrop();
            }
        }
    }
}
