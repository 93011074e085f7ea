package dev.tide.flow;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Counters, rates, latency percentiles and health of a flow (RS2's {@code StreamMetrics}, plus percentiles).
 *
 * <p>A metrics object is fed by the stages you attach it to and by you:
 * <ul>
 *   <li>{@link Flow#withMetrics(FlowMetrics)} / {@link Flow#withMetrics(FlowMetrics, java.util.function.ToLongFunction)}
 *       counts every element passing (and its size in bytes through a sizer), records as its processing time
 *       how long upstream took to deliver it, and records a failure passing through as an error;</li>
 *   <li>{@link #timed(Function)} wraps a function (for {@code map}, {@code mapConcurrent}...) so that each
 *       call's duration is a processing time and each exception an error;</li>
 *   <li>{@link Flow#buffer(BufferSpec)} reports drops, pauses and its depth;</li>
 *   <li>anything else calls the {@code record*} methods (e.g. {@link #recordRetry()} from a retry loop).</li>
 * </ul>
 * The object accumulates over every collection it sees (it belongs to you, not to one run).
 *
 * <p>Derived values: rates are per second of <em>active time</em>, from the first recording (or the start of the
 * first collection through {@code withMetrics}) to the last recording, or to now while such a collection
 * runs; {@code errorRate = errors / (items + errors)}; an item resets the consecutive errors. Healthy means
 * {@link HealthThresholds#isHealthy}. Latency percentiles come from a fixed-size log-bucket histogram (about
 * 3% precision, 15 KB, no allocation per value).
 *
 * <p>All methods are thread-safe and lock-free; none blocks. A snapshot is not atomic across fields while
 * values are being recorded.
 */
public sealed interface FlowMetrics permits RealFlowMetrics {

    /**
     * Metrics with the default thresholds on the system clock.
     *
     * @param name names the flow in summaries and meters
     * @return new metrics, all zero
     */
    static FlowMetrics create(String name) {
        return builder(name).build();
    }

    /**
     * A builder: default thresholds, system clock.
     *
     * @param name names the flow in summaries and meters
     * @return a new builder
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * The name.
     *
     * @return the name given at creation
     */
    String name();

    /**
     * The health thresholds.
     *
     * @return the thresholds given at creation
     */
    HealthThresholds thresholds();

    /**
     * Counts one element that went through, of {@code bytes} bytes; resets the consecutive errors.
     *
     * @param bytes its size, zero or more
     */
    void recordItem(long bytes);

    /**
     * Records one processing time: it adds to the total, may raise the peak, and goes into the latency
     * histogram.
     *
     * @param duration the time, zero or more
     */
    void recordProcessingTime(Duration duration);

    /** Counts one error (and one more consecutive error). */
    void recordError();

    /** Counts one retry. */
    void recordRetry();

    /** Counts one backpressure event: a producer paused, or an overflow. */
    void recordBackpressure();

    /** Counts one dropped element; a drop is also a backpressure event. */
    void recordDrop();

    /**
     * Sets the current queue depth (a gauge: the last value set wins).
     *
     * @param depth elements waiting, zero or more
     */
    void queueDepth(long depth);

    /**
     * Wraps {@code function} so that every call's duration is recorded as a processing time, an exception it
     * throws as an error (and rethrown unchanged), and a return as a success (resetting the consecutive
     * errors). Items are not counted: put {@link Flow#withMetrics(FlowMetrics)} downstream for that. The
     * wrapper is thread-safe if {@code function} is.
     *
     * @param function the function to time
     * @param <T> its argument type
     * @param <R> its result type
     * @return the timed function
     */
    <T, R> Function<T, R> timed(Function<T, R> function);

    /**
     * All values at once.
     *
     * @return a snapshot
     */
    Snapshot snapshot();

    /**
     * Whether the error rate and the consecutive errors are below the thresholds.
     *
     * @return true when healthy (also before anything was recorded)
     */
    boolean isHealthy();

    /**
     * One line with the main values, e.g.
     * {@code "orders: 1000 items, 12.3 KB, 810.4 items/s, 10.0 KB/s, avg 12.3 B, errors 0 (0.00%, 0 in a row), retries 0,
     * latency p50 1.02 ms p99 3.10 ms max 4.00 ms, backpressure 0 (0 dropped), queue 0, healthy"}.
     *
     * @return the summary
     */
    String summary();

    /**
     * The values of a {@link FlowMetrics} at one moment, with RS2's field names where they exist.
     *
     * @param name the metrics' name
     * @param items elements counted
     * @param bytes their total size
     * @param processingTime the sum of the processing times
     * @param errors errors counted
     * @param retries retries counted
     * @param itemsPerSecond items per second of active time
     * @param bytesPerSecond bytes per second of active time
     * @param averageItemSize bytes / items (0 without items)
     * @param peakProcessingTime the longest processing time
     * @param consecutiveErrors errors since the last item
     * @param errorRate errors / (items + errors), 0 without either
     * @param backpressureEvents pauses, overflows and drops
     * @param dropped elements dropped
     * @param queueDepth the last queue depth reported
     * @param activeTime the active time the rates are computed over
     * @param latency percentiles of the processing times
     * @param healthy whether the thresholds were met
     */
    record Snapshot(String name, long items, long bytes, Duration processingTime, long errors, long retries,
                    double itemsPerSecond, double bytesPerSecond, double averageItemSize, Duration peakProcessingTime,
                    long consecutiveErrors, double errorRate, long backpressureEvents, long dropped, long queueDepth,
                    Duration activeTime, Latency latency, boolean healthy) {
    }

    /**
     * Percentiles of the recorded processing times (bucket upper bounds, never above the maximum).
     *
     * @param count how many times were recorded
     * @param p50 the median
     * @param p90 the 90th percentile
     * @param p99 the 99th percentile
     * @param p999 the 99.9th percentile
     * @param max the largest time recorded
     */
    record Latency(long count, Duration p50, Duration p90, Duration p99, Duration p999, Duration max) {
    }

    /** Builds {@link FlowMetrics}. Not thread-safe. */
    final class Builder {

        private final String name;
        private HealthThresholds thresholds = HealthThresholds.defaults();
        private Scheduler scheduler = Scheduler.system();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * The health thresholds (default {@link HealthThresholds#defaults()}).
         *
         * @param thresholds the thresholds
         * @return this builder
         */
        public Builder thresholds(HealthThresholds thresholds) {
            this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
            return this;
        }

        /**
         * The clock processing times and rates are measured on (default {@link Scheduler#system()}; a
         * {@link VirtualScheduler} in tests).
         *
         * @param scheduler the clock
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * The metrics.
         *
         * @return new metrics, all zero
         */
        public FlowMetrics build() {
            return new RealFlowMetrics(name, thresholds, scheduler);
        }
    }
}
