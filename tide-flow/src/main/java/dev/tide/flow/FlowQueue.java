package dev.tide.flow;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A queue between threads whose consuming side is a {@link Flow}: producers {@link #put} or {@link #offer}
 * items, consumers collect {@link #flow()}, and {@link #close()} ends the flow once what was queued has been
 * taken.
 *
 * <ul>
 *   <li><b>Bounded or unbounded.</b> A bounded queue holds at most {@code capacity} items: {@link #put}
 *       blocks while it is full, {@link #offer} never blocks and says {@link OfferResult#FULL}.</li>
 *   <li><b>Close, then drain.</b> After {@link #close()}, puts and offers are refused (a blocked put wakes
 *       and is refused too), while consumers still receive every item already queued; then their flows
 *       complete. Nothing accepted is lost.</li>
 *   <li><b>Shared work.</b> Several threads may collect {@link #flow()} (or call {@link #take()}) at once:
 *       each item goes to exactly one of them.</li>
 *   <li><b>Priority.</b> A priority queue hands out the item its comparator orders first, among all queued
 *       items; items that compare equal come out in the order they were put.</li>
 *   <li>{@link #size()} never blocks.</li>
 * </ul>
 *
 * <p>All methods are thread-safe. Blocking methods wait on the queue's {@link Scheduler} (the system one by
 * default); build the queue with a {@link VirtualScheduler} to use it in a virtual-time test, so that a
 * thread waiting on it counts as waiting.
 *
 * @param <T> the item type
 */
public interface FlowQueue<T> {

    /** The outcome of {@link #offer}. */
    enum OfferResult {
        /** The item was queued. */
        ACCEPTED,
        /** The queue is full; the item was not queued. */
        FULL,
        /** The queue is closed; the item was not queued. */
        CLOSED
    }

    /**
     * A first-in first-out queue of at most {@code capacity} items.
     *
     * @param capacity at least 1
     * @param <T> the item type
     * @return a new open queue
     */
    static <T> FlowQueue<T> bounded(int capacity) {
        return FlowQueue.<T>builder().capacity(capacity).build();
    }

    /**
     * A first-in first-out queue without a bound: {@link #put} never waits for room.
     *
     * @param <T> the item type
     * @return a new open queue
     */
    static <T> FlowQueue<T> unbounded() {
        return FlowQueue.<T>builder().build();
    }

    /**
     * An unbounded priority queue: the item {@code order} puts first comes out first; ties in arrival order.
     *
     * @param order the priority order
     * @param <T> the item type
     * @return a new open queue
     */
    static <T> FlowQueue<T> priority(Comparator<? super T> order) {
        return FlowQueue.<T>builder().priority(order).build();
    }

    /**
     * A priority queue of at most {@code capacity} items.
     *
     * @param order the priority order
     * @param capacity at least 1
     * @param <T> the item type
     * @return a new open queue
     */
    static <T> FlowQueue<T> priority(Comparator<? super T> order, int capacity) {
        return FlowQueue.<T>builder().priority(order).capacity(capacity).build();
    }

    /**
     * A builder: unbounded, first-in first-out, on the system scheduler.
     *
     * @param <T> the item type
     * @return a new builder
     */
    static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /**
     * Queues {@code item}, blocking while the queue is full.
     *
     * @param item not null
     * @throws FlowException of kind {@code ILLEGAL_STATE} if the queue is closed (also when it is closed
     *     while this call waits), of kind {@code INTERRUPTED} if the thread is interrupted while waiting
     *     (its flag is set again)
     */
    void put(T item);

    /**
     * Queues {@code item} if there is room right now. Never blocks.
     *
     * @param item not null
     * @return whether the item was queued, or why not
     */
    OfferResult offer(T item);

    /**
     * Takes the next item, blocking until there is one or the queue is closed and empty.
     *
     * @return the item, or empty once the queue is closed and drained
     * @throws FlowException of kind {@code INTERRUPTED} if interrupted while waiting (flag set again)
     */
    Optional<T> take();

    /**
     * Takes the next item if there is one. Never blocks.
     *
     * @return the item, or empty if none is queued right now
     */
    Optional<T> poll();

    /**
     * A flow of the items taken from this queue: each collection takes items (blocking while the queue is
     * empty) and completes when the queue is closed and drained. Collections running at the same time share
     * the items; each item is emitted by exactly one of them. An item is taken only when the flow is about
     * to emit it, so stopping a collection early leaves the rest queued.
     *
     * <p><em>Emits when</em> an item is taken. <em>Blocks upstream when</em> (no upstream) the queue is
     * empty and open. <em>Completes when</em> the queue is closed and empty. <em>Fails when</em> the thread
     * is interrupted while waiting. <em>Cancels when</em> downstream stops: no further item is taken.
     *
     * @return the consuming flow
     */
    Flow<T> flow();

    /** Refuses further items; consumers drain what is queued, then their flows complete. Idempotent. */
    void close();

    /**
     * Whether {@link #close()} was called. Never blocks.
     *
     * @return true once closed
     */
    boolean isClosed();

    /**
     * How many items are queued right now. Never blocks, even while consumers wait.
     *
     * @return the number of queued items
     */
    int size();

    /**
     * The bound, if the queue has one.
     *
     * @return the capacity, or empty for an unbounded queue
     */
    OptionalInt capacity();

    /**
     * Builds a {@link FlowQueue}. Not thread-safe.
     *
     * @param <T> the item type
     */
    final class Builder<T> {

        private int capacity = Integer.MAX_VALUE;
        private Comparator<? super T> order;
        private Scheduler scheduler = Scheduler.system();

        Builder() {
        }

        /**
         * Bounds the queue.
         *
         * @param capacity at least 1
         * @return this builder
         */
        public Builder<T> capacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queue capacity must be positive: " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * Makes it a priority queue ordered by {@code order} (ties in arrival order).
         *
         * @param order the priority order
         * @return this builder
         */
        public Builder<T> priority(Comparator<? super T> order) {
            this.order = Objects.requireNonNull(order, "order");
            return this;
        }

        /**
         * The scheduler blocking calls wait on.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder<T> scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * The queue.
         *
         * @return a new open queue
         */
        public FlowQueue<T> build() {
            return new RealFlowQueue<>(capacity, order, scheduler);
        }
    }
}
