package dev.tide.flow;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/*
 * FlowMetrics on LongAdders (counters written by many threads), AtomicLongs (peak, consecutive errors, start,
 * last activity) and a LatencyHistogram. No lock: recording never blocks a stage.
 *
 * Active time: `start` is set once (compare-and-set) at the first recording or collection start; `last` is
 * the latest recording (plain writes of a monotonic clock; a racing older value can win by a few nanoseconds,
 * which only matters for the rates' last digits); while collections run (`running` > 0) the active time
 * extends to now.
 *
 * The last error recorded by timed() is remembered so that withMetrics downstream does not count the same
 * exception again when it passes through.
 */
final class RealFlowMetrics implements FlowMetrics {

    private static final long UNSET = Long.MIN_VALUE;

    private final String name;
    private final HealthThresholds thresholds;
    private final Scheduler clock;
    private final LongAdder items = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder processingNanos = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder backpressure = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong peakNanos = new AtomicLong();
    private final AtomicLong consecutiveErrors = new AtomicLong();
    private final AtomicLong start = new AtomicLong(UNSET);
    private final AtomicInteger running = new AtomicInteger();
    private final LatencyHistogram latency = new LatencyHistogram();
    private volatile long last = UNSET;
    private volatile long depth;
    private volatile Throwable lastTimedError;

    RealFlowMetrics(String name, HealthThresholds thresholds, Scheduler clock) {
        this.name = name;
        this.thresholds = thresholds;
        this.clock = clock;
    }

    Scheduler clock() {
        return clock;
    }

    private void touch() {
        long now = clock.nanoTime();
        if (start.get() == UNSET) {
            start.compareAndSet(UNSET, now);
        }
        last = now;
    }

    /** A collection through withMetrics starts: the active time runs until it ends. */
    void started() {
        touch();
        running.incrementAndGet();
    }

    /** A collection through withMetrics ended. */
    void finished() {
        touch();
        running.decrementAndGet();
    }

    /** Whether {@code error} was already counted by timed(). */
    boolean alreadyCounted(Throwable error) {
        return error == lastTimedError;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public HealthThresholds thresholds() {
        return thresholds;
    }

    @Override
    public void recordItem(long byteCount) {
        if (byteCount < 0) {
            throw new IllegalArgumentException("bytes must not be negative: " + byteCount);
        }
        items.increment();
        if (byteCount != 0) {
            bytes.add(byteCount);
        }
        if (consecutiveErrors.get() != 0) {
            consecutiveErrors.set(0);
        }
        touch();
    }

    @Override
    public void recordProcessingTime(Duration duration) {
        recordProcessingNanos(Clocks.nanos(Objects.requireNonNull(duration, "duration")));
    }

    void recordProcessingNanos(long nanos) {
        long n = Math.max(0, nanos);
        processingNanos.add(n);
        if (n > peakNanos.get()) {
            peakNanos.accumulateAndGet(n, Math::max);
        }
        latency.record(n);
        touch();
    }

    @Override
    public void recordError() {
        errors.increment();
        consecutiveErrors.incrementAndGet();
        touch();
    }

    @Override
    public void recordRetry() {
        retries.increment();
        touch();
    }

    @Override
    public void recordBackpressure() {
        backpressure.increment();
    }

    @Override
    public void recordDrop() {
        dropped.increment();
        backpressure.increment();
    }

    @Override
    public void queueDepth(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("queue depth must not be negative: " + value);
        }
        depth = value;
    }

    @Override
    public <T, R> Function<T, R> timed(Function<T, R> function) {
        Objects.requireNonNull(function, "function");
        return value -> {
            long begin = clock.nanoTime();
            R result;
            try {
                result = function.apply(value);
            } catch (RuntimeException | Error e) {
                recordProcessingNanos(clock.nanoTime() - begin);
                lastTimedError = e;
                recordError();
                throw e;
            }
            recordProcessingNanos(clock.nanoTime() - begin);
            if (consecutiveErrors.get() != 0) {
                consecutiveErrors.set(0);
            }
            return result;
        };
    }

    @Override
    public Snapshot snapshot() {
        long itemCount = items.sum();
        long byteCount = bytes.sum();
        long errorCount = errors.sum();
        long consecutive = consecutiveErrors.get();
        long active = activeNanos();
        double seconds = active / 1e9;
        double itemsPerSecond = seconds > 0 ? itemCount / seconds : 0;
        double bytesPerSecond = seconds > 0 ? byteCount / seconds : 0;
        double averageSize = itemCount > 0 ? (double) byteCount / itemCount : 0;
        double errorRate = itemCount + errorCount > 0 ? (double) errorCount / (itemCount + errorCount) : 0;
        long[] p = latency.percentiles(0.50, 0.90, 0.99, 0.999);
        Latency percentiles = new Latency(latency.count(), Duration.ofNanos(p[0]), Duration.ofNanos(p[1]),
                Duration.ofNanos(p[2]), Duration.ofNanos(p[3]), Duration.ofNanos(latency.max()));
        return new Snapshot(name, itemCount, byteCount, Duration.ofNanos(processingNanos.sum()), errorCount,
                retries.sum(), itemsPerSecond, bytesPerSecond, averageSize, Duration.ofNanos(peakNanos.get()),
                consecutive, errorRate, backpressure.sum(), dropped.sum(), depth, Duration.ofNanos(active),
                percentiles, thresholds.isHealthy(errorRate, consecutive));
    }

    private long activeNanos() {
        long begin = start.get();
        if (begin == UNSET) {
            return 0;
        }
        long end = running.get() > 0 ? clock.nanoTime() : last;
        return Math.max(0, end - begin);
    }

    @Override
    public boolean isHealthy() {
        long itemCount = items.sum();
        long errorCount = errors.sum();
        double errorRate = itemCount + errorCount > 0 ? (double) errorCount / (itemCount + errorCount) : 0;
        return thresholds.isHealthy(errorRate, consecutiveErrors.get());
    }

    @Override
    public String summary() {
        Snapshot s = snapshot();
        return String.format(Locale.ROOT,
                "%s: %d items, %s, %.1f items/s, %.1f KB/s, avg %.1f B, errors %d (%.2f%%, %d in a row), retries %d, "
                        + "latency p50 %s p99 %s max %s, backpressure %d (%d dropped), queue %d, %s",
                s.name(), s.items(), bytes(s.bytes()), s.itemsPerSecond(), s.bytesPerSecond() / 1000,
                s.averageItemSize(), s.errors(), s.errorRate() * 100, s.consecutiveErrors(), s.retries(),
                millis(s.latency().p50()), millis(s.latency().p99()), millis(s.latency().max()),
                s.backpressureEvents(), s.dropped(), s.queueDepth(), s.healthy() ? "healthy" : "UNHEALTHY");
    }

    private static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1e3);
        }
        if (n < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f GB", n / 1e9);
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1e6);
    }

    @Override
    public String toString() {
        return summary();
    }
}
