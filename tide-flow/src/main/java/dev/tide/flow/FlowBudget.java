package dev.tide.flow;

import java.util.Objects;

/**
 * Limits on what the stages of one flow may hold at a time: buffered elements and tracked keys. A budget
 * replaces a process-wide resource manager: you create one for a flow (or for a group of flows that should
 * share it) and hand it to the stages that hold state, e.g.
 * <pre>{@code
 * FlowBudget budget = FlowBudget.builder("orders").maxKeys(100_000).maxBufferedItems(10_000).build();
 * orders.distinctBy(Order::id, budget)
 *       .mapConcurrentByKey(16, Order::customer, this::process, budget)
 *       .buffer(BufferSpec.capacity(1_000).budget(budget))
 *       .forEach(this::store);
 * }</pre>
 *
 * <p>Accounting is live: a stage takes a unit when it starts holding an element or a key and gives it back
 * when it lets go; everything a collection still holds is given back when that collection ends (completes,
 * fails or is stopped), so the counters return to zero between runs and never go negative.
 *
 * <p>What happens when a stage would exceed a limit is the budget's {@link Policy}: {@link Policy#FAIL} fails
 * the flow with a {@link FlowException} of kind {@code BUDGET_EXCEEDED} naming the budget, the stage and the
 * limit; {@link Policy#SHED} lets the stage shed by its documented rule (a new element is dropped, or
 * {@code distinct} forgets its oldest key) and counts every shed unit ({@link #shedItems()},
 * {@link #shedKeys()}). Nothing is dropped without being counted.
 *
 * <p>Stages that take a budget: {@link Flow#distinct(FlowBudget)}, {@link Flow#distinctBy(java.util.function.Function,
 * FlowBudget)} (keys), {@link Flow#mapConcurrentByKey(int, java.util.function.Function, java.util.function.Function,
 * FlowBudget)} (keys in flight) and {@link Flow#buffer(BufferSpec)} (buffered elements). Every other stage is
 * bounded by its own arguments.
 *
 * <p>All methods are thread-safe and never block.
 */
public sealed interface FlowBudget permits RealFlowBudget {

    /** What a stage does when it would exceed a limit of its budget. */
    enum Policy {
        /** Fail the flow with a {@link FlowException} of kind {@code BUDGET_EXCEEDED}. */
        FAIL,
        /** Shed by the stage's documented rule and count it; the flow goes on. */
        SHED
    }

    /**
     * A builder for a budget without limits and with {@link Policy#FAIL}.
     *
     * @param name names the budget in failures and summaries
     * @return a new builder
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * The budget's name.
     *
     * @return the name given to the builder
     */
    String name();

    /**
     * The most elements the stages may hold at once.
     *
     * @return the limit; {@code Long.MAX_VALUE} when unlimited
     */
    long maxBufferedItems();

    /**
     * The most keys the stages may track at once.
     *
     * @return the limit; {@code Long.MAX_VALUE} when unlimited
     */
    long maxKeys();

    /**
     * What happens at a limit.
     *
     * @return the policy
     */
    Policy policy();

    /**
     * How many elements the stages hold right now.
     *
     * @return a count, never negative
     */
    long bufferedItems();

    /**
     * How many keys the stages track right now.
     *
     * @return a count, never negative
     */
    long keys();

    /**
     * The highest {@link #bufferedItems()} seen.
     *
     * @return a count
     */
    long peakBufferedItems();

    /**
     * The highest {@link #keys()} seen.
     *
     * @return a count
     */
    long peakKeys();

    /**
     * How many elements were dropped under {@link Policy#SHED}.
     *
     * @return a count
     */
    long shedItems();

    /**
     * How many keys were forgotten or refused under {@link Policy#SHED}.
     *
     * @return a count
     */
    long shedKeys();

    /**
     * A one-line description of the limits and the counters.
     *
     * @return e.g. {@code "budget orders: items 12/10000 (peak 300, shed 0), keys 5000/100000 (peak 5000, shed 0), FAIL"}
     */
    String summary();

    /** Builds a {@link FlowBudget}. Not thread-safe. */
    final class Builder {

        private final String name;
        private long maxBufferedItems = Long.MAX_VALUE;
        private long maxKeys = Long.MAX_VALUE;
        private Policy policy = Policy.FAIL;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * Limits the elements held at once.
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxBufferedItems(long max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxBufferedItems must be positive: " + max);
            }
            this.maxBufferedItems = max;
            return this;
        }

        /**
         * Limits the keys tracked at once.
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxKeys(long max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxKeys must be positive: " + max);
            }
            this.maxKeys = max;
            return this;
        }

        /**
         * What happens at a limit (default {@link Policy#FAIL}).
         *
         * @param policy fail or shed
         * @return this builder
         */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The budget.
         *
         * @return a new budget with all counters at zero
         */
        public FlowBudget build() {
            return new RealFlowBudget(name, maxBufferedItems, maxKeys, policy);
        }
    }
}
