package dev.tide.flow.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.flow.Flow;
import dev.tide.flow.FlowMetrics;
import dev.tide.flow.HealthThresholds;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FlowMetricsBinderTest {

    @Test
    void publishesEveryValueTaggedWithTheFlowName() {
        FlowMetrics metrics = FlowMetrics.builder("orders").thresholds(HealthThresholds.strict()).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FlowMetricsBinder.of(metrics, Tags.of("app", "test")).bindTo(registry);

        Flow.of("a", "bb", "ccc").withMetrics(metrics, String::length).toList();
        metrics.recordRetry();
        metrics.recordDrop();
        metrics.queueDepth(4);
        metrics.recordProcessingTime(Duration.ofMillis(7));
        metrics.recordError();

        assertThat(registry.get("tide.flow.items").tags("flow", "orders", "app", "test").functionCounter().count())
                .isEqualTo(3.0);
        assertThat(registry.get("tide.flow.bytes").functionCounter().count()).isEqualTo(6.0);
        assertThat(registry.get("tide.flow.bytes").functionCounter().getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(registry.get("tide.flow.errors").functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("tide.flow.retries").functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("tide.flow.dropped").functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("tide.flow.backpressure.events").functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("tide.flow.queue.depth").gauge().value()).isEqualTo(4.0);
        assertThat(registry.get("tide.flow.item.size.average").gauge().value()).isEqualTo(2.0);
        assertThat(registry.get("tide.flow.error.rate").gauge().value()).isEqualTo(0.25);
        assertThat(registry.get("tide.flow.errors.consecutive").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("tide.flow.healthy").gauge().value()).isEqualTo(0.0);
        assertThat(registry.get("tide.flow.processing.peak").timeGauge().value(TimeUnit.MILLISECONDS))
                .isGreaterThanOrEqualTo(7.0);
        assertThat(registry.get("tide.flow.latency").tag("quantile", "1.0").timeGauge().value(TimeUnit.MILLISECONDS))
                .isGreaterThanOrEqualTo(7.0);
        FunctionTimer processing = registry.get("tide.flow.processing").functionTimer();
        assertThat(processing.count()).isEqualTo(4.0); // three deliveries and one recorded time
        assertThat(processing.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(7.0);
        assertThat(registry.get("tide.flow.latency").timeGauges()).hasSize(5);
        assertThat(registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("tide.flow.items", "tide.flow.bytes", "tide.flow.errors", "tide.flow.retries",
                        "tide.flow.backpressure.events", "tide.flow.dropped", "tide.flow.processing",
                        "tide.flow.processing.peak", "tide.flow.latency", "tide.flow.queue.depth", "tide.flow.items.rate",
                        "tide.flow.bytes.rate", "tide.flow.item.size.average", "tide.flow.error.rate",
                        "tide.flow.errors.consecutive", "tide.flow.healthy");
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getTag("flow")).as(meter.getId().toString()).isEqualTo("orders");
            assertThat(meter.getId().getTag("app")).as(meter.getId().toString()).isEqualTo("test");
        }
    }

    @Test
    void aHealthyFlowReadsOne() {
        FlowMetrics metrics = FlowMetrics.create("fine");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FlowMetricsBinder.of(metrics).bindTo(registry);
        Flow.range(0, 10).withMetrics(metrics).count();
        assertThat(registry.get("tide.flow.healthy").tag("flow", "fine").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("tide.flow.items").functionCounter().count()).isEqualTo(10.0);
    }
}
