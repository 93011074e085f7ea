package dev.tide.flow;

import java.util.Objects;
import java.util.Optional;

/**
 * The full description of a {@link Flow#buffer(BufferSpec) buffer}: capacity, overflow policy, the resume
 * watermark of {@link Overflow#BLOCK}, and where drops, pauses and the queue depth are reported. Immutable:
 * every {@code with} method returns a new spec.
 * <pre>{@code
 * flow.buffer(BufferSpec.capacity(1_000).resumeAt(250).metrics(metrics))          // hysteresis: pause at 1000, resume at 250
 * flow.buffer(BufferSpec.capacity(100).overflow(Overflow.DROP_OLDEST).metrics(metrics))
 * }</pre>
 */
public final class BufferSpec {

    private final int capacity;
    private final Overflow overflow;
    private final int resumeAt;
    private final boolean resumeAtSet;
    private final FlowMetrics metrics;
    private final FlowBudget budget;

    private BufferSpec(int capacity, Overflow overflow, int resumeAt, boolean resumeAtSet, FlowMetrics metrics,
                       FlowBudget budget) {
        this.capacity = capacity;
        this.overflow = overflow;
        this.resumeAt = resumeAt;
        this.resumeAtSet = resumeAtSet;
        this.metrics = metrics;
        this.budget = budget;
    }

    /**
     * A buffer of {@code capacity} elements that blocks upstream when full and lets it go on as soon as there
     * is room again (no hysteresis).
     *
     * @param capacity at least 1
     * @return the spec
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public static BufferSpec capacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer capacity must be positive: " + capacity);
        }
        return new BufferSpec(capacity, Overflow.BLOCK, capacity - 1, false, null, null);
    }

    /**
     * The same spec with another overflow policy.
     *
     * @param overflow what happens when an element arrives at a full buffer
     * @return a new spec
     */
    public BufferSpec overflow(Overflow overflow) {
        return new BufferSpec(capacity, Objects.requireNonNull(overflow, "overflow"), resumeAt, resumeAtSet, metrics,
                budget);
    }

    /**
     * Hysteresis for {@link Overflow#BLOCK}: once the buffer is full, upstream stays paused until no more
     * than {@code resumeAt} elements are left (the low watermark; the capacity is the high one). Fewer,
     * larger hand-offs; each pause counts as one backpressure event.
     *
     * @param resumeAt from 0 to capacity - 1
     * @return a new spec
     * @throws IllegalArgumentException if {@code resumeAt} is out of range
     */
    public BufferSpec resumeAt(int resumeAt) {
        if (resumeAt < 0 || resumeAt >= capacity) {
            throw new IllegalArgumentException("resumeAt must be from 0 to capacity - 1 (" + (capacity - 1) + "): "
                    + resumeAt);
        }
        return new BufferSpec(capacity, overflow, resumeAt, true, metrics, budget);
    }

    /**
     * Where the buffer reports drops ({@link FlowMetrics#recordDrop()}), pauses and overflows
     * ({@link FlowMetrics#recordBackpressure()}) and its depth ({@link FlowMetrics#queueDepth(long)}).
     *
     * @param metrics the metrics to report to
     * @return a new spec
     */
    public BufferSpec metrics(FlowMetrics metrics) {
        return new BufferSpec(capacity, overflow, resumeAt, resumeAtSet, Objects.requireNonNull(metrics, "metrics"),
                budget);
    }

    /**
     * A budget the buffered elements count against. When it has no unit left for an element: under
     * {@link FlowBudget.Policy#FAIL} the flow fails with {@code BUDGET_EXCEEDED} (after the elements already
     * buffered); under {@link FlowBudget.Policy#SHED} the element is dropped and counted.
     *
     * @param budget the budget
     * @return a new spec
     */
    public BufferSpec budget(FlowBudget budget) {
        return new BufferSpec(capacity, overflow, resumeAt, resumeAtSet, metrics, Objects.requireNonNull(budget, "budget"));
    }

    /**
     * The capacity.
     *
     * @return at least 1
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The overflow policy.
     *
     * @return the policy; {@link Overflow#BLOCK} unless set
     */
    public Overflow overflow() {
        return overflow;
    }

    /**
     * The low watermark of {@link Overflow#BLOCK}.
     *
     * @return capacity - 1 unless set
     */
    public int resumeAt() {
        return resumeAt;
    }

    /**
     * The metrics the buffer reports to.
     *
     * @return the metrics, if set
     */
    public Optional<FlowMetrics> metrics() {
        return Optional.ofNullable(metrics);
    }

    /**
     * The budget the buffered elements count against.
     *
     * @return the budget, if set
     */
    public Optional<FlowBudget> budget() {
        return Optional.ofNullable(budget);
    }

    /** Validates the combination (a resume watermark only means something with BLOCK). */
    BufferSpec checked() {
        if (resumeAtSet && overflow != Overflow.BLOCK) {
            throw new IllegalArgumentException("resumeAt applies to Overflow.BLOCK only, not to " + overflow);
        }
        return this;
    }

    @Override
    public String toString() {
        return "BufferSpec[capacity=" + capacity + ", overflow=" + overflow + ", resumeAt=" + resumeAt
                + (metrics == null ? "" : ", metrics=" + metrics.name())
                + (budget == null ? "" : ", budget=" + budget.name()) + "]";
    }
}
