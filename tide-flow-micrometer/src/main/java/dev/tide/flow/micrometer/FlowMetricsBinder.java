package dev.tide.flow.micrometer;

import dev.tide.flow.FlowMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link FlowMetrics} to a Micrometer {@link MeterRegistry}: every meter is named
 * {@code tide.flow.*} and tagged {@code flow=<metrics name>} plus the tags you give.
 * <pre>{@code
 * FlowMetrics metrics = FlowMetrics.create("orders");
 * FlowMetricsBinder.of(metrics).bindTo(registry);
 * orders.withMetrics(metrics, Order::sizeInBytes).forEach(this::store);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>Name</th><th>Type</th><th>Value</th></tr>
 *   <tr><td>{@code tide.flow.items}</td><td>function counter</td><td>elements counted</td></tr>
 *   <tr><td>{@code tide.flow.bytes}</td><td>function counter (bytes)</td><td>their size</td></tr>
 *   <tr><td>{@code tide.flow.errors}, {@code tide.flow.retries}</td><td>function counters</td><td></td></tr>
 *   <tr><td>{@code tide.flow.backpressure.events}, {@code tide.flow.dropped}</td><td>function counters</td><td></td></tr>
 *   <tr><td>{@code tide.flow.processing}</td><td>function timer</td><td>count and total of the processing times</td></tr>
 *   <tr><td>{@code tide.flow.processing.peak}</td><td>time gauge</td><td>the longest processing time</td></tr>
 *   <tr><td>{@code tide.flow.latency}</td><td>time gauges tagged {@code quantile=0.5|0.9|0.99|0.999|1.0}</td>
 *       <td>percentiles of the processing times (1.0 = the maximum)</td></tr>
 *   <tr><td>{@code tide.flow.queue.depth}</td><td>gauge</td><td>the last queue depth reported</td></tr>
 *   <tr><td>{@code tide.flow.items.rate}, {@code tide.flow.bytes.rate}</td><td>gauges</td><td>per second of active time</td></tr>
 *   <tr><td>{@code tide.flow.item.size.average}</td><td>gauge (bytes)</td><td></td></tr>
 *   <tr><td>{@code tide.flow.error.rate}, {@code tide.flow.errors.consecutive}</td><td>gauges</td><td></td></tr>
 *   <tr><td>{@code tide.flow.healthy}</td><td>gauge</td><td>1 when healthy, 0 when not</td></tr>
 * </table>
 *
 * <p>Gauges hold the metrics strongly; Micrometer's function counters and timer hold it weakly, so keep a
 * reference to your {@code FlowMetrics} for as long as it should be published (you feed it, so you do).
 * Every reading takes a fresh {@link FlowMetrics#snapshot()}: it never blocks the flow.
 *
 * <p>Binding is thread-safe as far as the registry is; a binder may be bound to several registries.
 */
public final class FlowMetricsBinder implements MeterBinder {

    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

    private final FlowMetrics metrics;
    private final Tags tags;

    private FlowMetricsBinder(FlowMetrics metrics, Tags tags) {
        this.metrics = metrics;
        this.tags = tags;
    }

    /**
     * A binder for {@code metrics}, tagged {@code flow=<name>}.
     *
     * @param metrics the metrics to publish
     * @return the binder
     */
    public static FlowMetricsBinder of(FlowMetrics metrics) {
        return of(metrics, Tags.empty());
    }

    /**
     * A binder for {@code metrics}, tagged {@code flow=<name>} and {@code extraTags}.
     *
     * @param metrics the metrics to publish
     * @param extraTags more tags for every meter
     * @return the binder
     */
    public static FlowMetricsBinder of(FlowMetrics metrics, Iterable<Tag> extraTags) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(extraTags, "extraTags");
        return new FlowMetricsBinder(metrics, Tags.of("flow", metrics.name()).and(extraTags));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        counter(registry, "tide.flow.items", "elements that went through", null, s -> s.items());
        counter(registry, "tide.flow.bytes", "size of the elements that went through", "bytes", s -> s.bytes());
        counter(registry, "tide.flow.errors", "errors", null, s -> s.errors());
        counter(registry, "tide.flow.retries", "retries", null, s -> s.retries());
        counter(registry, "tide.flow.backpressure.events", "producer pauses, overflows and drops", null,
                s -> s.backpressureEvents());
        counter(registry, "tide.flow.dropped", "elements dropped by a buffer or a budget", null, s -> s.dropped());
        FunctionTimer.builder("tide.flow.processing", metrics,
                        m -> m.snapshot().latency().count(),
                        m -> m.snapshot().processingTime().toNanos(), TimeUnit.NANOSECONDS)
                .description("processing times recorded").tags(tags).register(registry);
        timeGauge(registry, "tide.flow.processing.peak", "the longest processing time", Tags.empty(),
                s -> s.peakProcessingTime());
        for (double quantile : QUANTILES) {
            timeGauge(registry, "tide.flow.latency", "a percentile of the processing times",
                    Tags.of("quantile", Double.toString(quantile)), s -> percentile(s, quantile));
        }
        timeGauge(registry, "tide.flow.latency", "a percentile of the processing times", Tags.of("quantile", "1.0"),
                s -> s.latency().max());
        gauge(registry, "tide.flow.queue.depth", "elements waiting in a buffer", null, s -> s.queueDepth());
        gauge(registry, "tide.flow.items.rate", "elements per second of active time", null, s -> s.itemsPerSecond());
        gauge(registry, "tide.flow.bytes.rate", "bytes per second of active time", "bytes", s -> s.bytesPerSecond());
        gauge(registry, "tide.flow.item.size.average", "average element size", "bytes", s -> s.averageItemSize());
        gauge(registry, "tide.flow.error.rate", "errors / (items + errors)", null, s -> s.errorRate());
        gauge(registry, "tide.flow.errors.consecutive", "errors since the last item", null, s -> s.consecutiveErrors());
        gauge(registry, "tide.flow.healthy", "1 when within the health thresholds, else 0", null,
                s -> s.healthy() ? 1 : 0);
    }

    private static Duration percentile(FlowMetrics.Snapshot s, double quantile) {
        FlowMetrics.Latency latency = s.latency();
        if (quantile == 0.5) {
            return latency.p50();
        }
        if (quantile == 0.9) {
            return latency.p90();
        }
        if (quantile == 0.99) {
            return latency.p99();
        }
        return latency.p999();
    }

    private void counter(MeterRegistry registry, String name, String description, String unit,
                         ToDoubleFunction<FlowMetrics.Snapshot> value) {
        FunctionCounter.Builder<FlowMetrics> builder = FunctionCounter
                .builder(name, metrics, m -> value.applyAsDouble(m.snapshot()))
                .description(description).tags(tags);
        if (unit != null) {
            builder.baseUnit(unit);
        }
        builder.register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit,
                       ToDoubleFunction<FlowMetrics.Snapshot> value) {
        Gauge.Builder<FlowMetrics> builder = Gauge.builder(name, metrics, m -> value.applyAsDouble(m.snapshot()))
                .description(description).tags(tags).strongReference(true);
        if (unit != null) {
            builder.baseUnit(unit);
        }
        builder.register(registry);
    }

    private void timeGauge(MeterRegistry registry, String name, String description, Tags extra,
                           Function<FlowMetrics.Snapshot, Duration> value) {
        TimeGauge.builder(name, metrics, TimeUnit.NANOSECONDS, m -> (double) value.apply(m.snapshot()).toNanos())
                .description(description).tags(tags.and(extra)).strongReference(true).register(registry);
    }
}
