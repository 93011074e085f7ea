package dev.tide.flow;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.locks.ReentrantLock;

/*
 * The FlowQueue. One ReentrantLock guards the store (an ArrayDeque, or a PriorityQueue of entries ordered by
 * (comparator, arrival number) so that ties keep arrival order) and the closed flag; producers wait on
 * notFull, consumers on notEmpty, both Clocks signals of the queue's scheduler. The size is also kept in a
 * volatile field so size() never takes the lock (RS2's len() waited behind a blocked consumer). No user
 * code runs under the lock (the comparator excepted: it runs inside the priority store).
 */
final class RealFlowQueue<T> implements FlowQueue<T> {

    private record Entry<T>(T item, long arrival) {
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Clocks.Signal notEmpty;
    private final Clocks.Signal notFull;
    private final Queue<Entry<T>> store;
    private volatile int size;
    private volatile boolean closed;
    private long arrivals;

    RealFlowQueue(int capacity, Comparator<? super T> order, Scheduler scheduler) {
        this.capacity = capacity;
        this.notEmpty = Clocks.newSignal(scheduler, lock);
        this.notFull = Clocks.newSignal(scheduler, lock);
        if (order == null) {
            this.store = new ArrayDeque<>();
        } else {
            Comparator<Entry<T>> byPriority = (a, b) -> order.compare(a.item(), b.item());
            this.store = new PriorityQueue<>(byPriority.thenComparingLong(Entry::arrival));
        }
    }

    @Override
    public void put(T item) {
        Objects.requireNonNull(item, "item");
        lock.lock();
        try {
            while (!closed && size >= capacity) {
                notFull.await(Clocks.NO_DEADLINE);
            }
            if (closed) {
                throw new FlowException(FlowException.Kind.ILLEGAL_STATE, "put on a closed queue: " + item);
            }
            add(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowException(FlowException.Kind.INTERRUPTED, "interrupted while waiting to put " + item, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public OfferResult offer(T item) {
        Objects.requireNonNull(item, "item");
        lock.lock();
        try {
            if (closed) {
                return OfferResult.CLOSED;
            }
            if (size >= capacity) {
                return OfferResult.FULL;
            }
            add(item);
            return OfferResult.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    private void add(T item) {
        store.add(new Entry<>(item, arrivals++));
        size = size + 1;
        notEmpty.signalAll();
    }

    @Override
    public Optional<T> take() {
        try {
            return Optional.ofNullable(takeOrNull());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowException(FlowException.Kind.INTERRUPTED, "interrupted while waiting to take", e);
        }
    }

    /** The next item, blocking; null once closed and drained. */
    private T takeOrNull() throws InterruptedException {
        lock.lock();
        try {
            while (size == 0) {
                if (closed) {
                    return null;
                }
                notEmpty.await(Clocks.NO_DEADLINE);
            }
            return remove();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<T> poll() {
        lock.lock();
        try {
            return size == 0 ? Optional.empty() : Optional.of(remove());
        } finally {
            lock.unlock();
        }
    }

    private T remove() {
        T item = store.remove().item();
        size = size - 1;
        notFull.signalAll();
        return item;
    }

    @Override
    public Flow<T> flow() {
        return emitter -> {
            T item;
            while ((item = takeOrNull()) != null) {
                emitter.emit(item);
            }
        };
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public OptionalInt capacity() {
        return capacity == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(capacity);
    }

    @Override
    public String toString() {
        return "FlowQueue[size=" + size + (capacity == Integer.MAX_VALUE ? "" : ", capacity=" + capacity)
                + (closed ? ", closed" : "") + "]";
    }
}
