package dev.tide.flow;

import static dev.tide.flow.MapConcurrentTest.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** FlowMetrics, withMetrics, timed, HealthThresholds and the latency histogram; times on virtual time. */
class FlowMetricsTest {

    private static final long MS = 1_000_000;

    @TestFactory
    Stream<DynamicTest> withMetrics() {
        FlowMetrics metrics = FlowMetrics.create("harness");
        return OperatorHarness.<String, String>operator("withMetrics", up -> up.withMetrics(metrics, String::length))
                .emits("elements pass unchanged", List.of("a", "bb", "ccc"), List.of("a", "bb", "ccc"))
                .userFunctionFailure(up -> up.withMetrics(metrics, s -> {
                    throw new OperatorHarness.Boom();
                }), List.of("x"), "withMetrics")
                .earlyCancelPulls(1)
                .tests();
    }

    @Test
    void countsItemsBytesAndTheTimeUpstreamTookPerElement() {
        VirtualScheduler vs = Scheduler.virtual();
        FlowMetrics metrics = FlowMetrics.builder("ticks").scheduler(vs).build();
        List<Long> out = Flow.tick(Duration.ofMillis(100), vs).take(5).withMetrics(metrics, t -> 10 * (t + 1)).toList();
        assertThat(out).containsExactly(0L, 1L, 2L, 3L, 4L);
        FlowMetrics.Snapshot s = metrics.snapshot();
        assertThat(s.name()).isEqualTo("ticks");
        assertThat(s.items()).isEqualTo(5);
        assertThat(s.bytes()).isEqualTo(150);
        assertThat(s.averageItemSize()).isEqualTo(30.0);
        assertThat(s.processingTime()).isEqualTo(Duration.ofMillis(400)); // 0, then 100 ms for each next tick
        assertThat(s.peakProcessingTime()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.activeTime()).isEqualTo(Duration.ofMillis(400));
        assertThat(s.itemsPerSecond()).isEqualTo(12.5);
        assertThat(s.bytesPerSecond()).isEqualTo(375.0);
        assertThat(s.latency().count()).isEqualTo(5);
        assertThat(s.latency().p50()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.latency().p99()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.latency().max()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.errors()).isZero();
        assertThat(s.errorRate()).isZero();
        assertThat(s.healthy()).isTrue();
        assertThat(metrics.summary())
                .isEqualTo("ticks: 5 items, 150 B, 12.5 items/s, 0.4 KB/s, avg 30.0 B, errors 0 (0.00%, 0 in a row), "
                        + "retries 0, latency p50 100.00 ms p99 100.00 ms max 100.00 ms, backpressure 0 (0 dropped), "
                        + "queue 0, healthy");
    }

    @Test
    void timedRecordsEachCallAndItsErrorsAndWithMetricsDoesNotCountThemTwice() {
        VirtualScheduler vs = Scheduler.virtual();
        FlowMetrics metrics = FlowMetrics.builder("calls").scheduler(vs).thresholds(HealthThresholds.strict()).build();
        java.util.function.Function<Integer, Integer> work = metrics.timed(i -> {
            sleep(vs, Duration.ofMillis(i));
            if (i % 10 == 0) {
                throw new IllegalStateException("bad " + i);
            }
            return i;
        });
        List<Integer> out = Flow.range(1, 31).map(work, ElementErrorHandler.skip()).withMetrics(metrics).toList();
        assertThat(out).hasSize(27);
        FlowMetrics.Snapshot s = metrics.snapshot();
        assertThat(s.items()).isEqualTo(27);
        assertThat(s.errors()).isEqualTo(3);
        assertThat(s.errorRate()).isEqualTo(0.1);
        assertThat(s.consecutiveErrors()).as("the call for 30 failed last").isEqualTo(1);
        assertThat(s.healthy()).isFalse(); // 10% >= 1%
        // withMetrics records how long each item took to arrive: 21 arrived after the calls for 20 (failed) and 21
        assertThat(s.peakProcessingTime()).isEqualTo(Duration.ofMillis(41));
        // the last call failed and the flow then failed with it: counted once by timed, not again by withMetrics
        IllegalStateException failure = new IllegalStateException("upstream");
        FlowMetrics other = FlowMetrics.create("fails");
        assertThatThrownBy(() -> Flow.range(1, 3).map(other.timed(i -> {
            if (i == 2) {
                throw failure;
            }
            return i;
        })).withMetrics(other).toList()).isSameAs(failure);
        assertThat(other.snapshot().errors()).isEqualTo(1);
        assertThat(other.snapshot().items()).isEqualTo(1);
        assertThat(other.snapshot().consecutiveErrors()).isEqualTo(1);
    }

    @Test
    void anUpstreamFailureIsAnErrorButADownstreamFailureIsNot() {
        FlowMetrics metrics = FlowMetrics.create("errors");
        IllegalStateException up = new IllegalStateException("up");
        assertThatThrownBy(() -> OperatorHarness.failingAfter(List.of(1, 2), up).withMetrics(metrics).toList())
                .isSameAs(up);
        assertThat(metrics.snapshot().items()).isEqualTo(2);
        assertThat(metrics.snapshot().errors()).isEqualTo(1);
        assertThat(metrics.snapshot().consecutiveErrors()).isEqualTo(1);

        FlowMetrics downstream = FlowMetrics.create("downstream");
        assertThatThrownBy(() -> Flow.of(1, 2).withMetrics(downstream).forEach(i -> {
            throw new IllegalArgumentException("sink");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(downstream.snapshot().errors()).isZero();
        assertThat(Flow.range(0, 100).withMetrics(downstream).take(3).count()).isEqualTo(3);
        assertThat(downstream.snapshot().errors()).isZero();
    }

    @Test
    void healthFollowsTheThresholds() {
        FlowMetrics metrics = FlowMetrics.builder("health").thresholds(HealthThresholds.defaults()).build();
        assertThat(metrics.isHealthy()).isTrue();
        for (int i = 0; i < 85; i++) {
            metrics.recordItem(1);
        }
        for (int i = 0; i < 4; i++) {
            metrics.recordError();
        }
        assertThat(metrics.snapshot().consecutiveErrors()).isEqualTo(4);
        assertThat(metrics.isHealthy()).as("4 in a row, 4/89 errors").isTrue();
        metrics.recordError();
        assertThat(metrics.isHealthy()).as("5 in a row").isFalse();
        metrics.recordItem(1);
        assertThat(metrics.snapshot().consecutiveErrors()).isZero();
        assertThat(metrics.isHealthy()).as("an item resets the run; 5/91 errors").isTrue();
        for (int i = 0; i < 4; i++) {
            metrics.recordError();
            metrics.recordItem(1);
        }
        assertThat(metrics.snapshot().errorRate()).isCloseTo(9.0 / 99, within(1e-12));
        metrics.recordError();
        assertThat(metrics.snapshot().errorRate()).isEqualTo(0.1); // 10 / (90 + 10)
        assertThat(metrics.isHealthy()).as("exactly 10% is not below 10%").isFalse();
        assertThat(metrics.summary()).endsWith("UNHEALTHY").doesNotContain("\n");
    }

    @Test
    void thresholdPresetsAreRs2s() {
        assertThat(HealthThresholds.defaults()).isEqualTo(new HealthThresholds(0.10, 5));
        assertThat(HealthThresholds.strict()).isEqualTo(new HealthThresholds(0.01, 2));
        assertThat(HealthThresholds.relaxed()).isEqualTo(new HealthThresholds(0.20, 20));
        assertThat(HealthThresholds.custom(0.5, 7)).isEqualTo(new HealthThresholds(0.5, 7));
        assertThat(FlowMetrics.create("x").thresholds()).isEqualTo(HealthThresholds.defaults());
        assertThatThrownBy(() -> HealthThresholds.custom(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxErrorRate must be in (0, 1]: 0.0");
        assertThatThrownBy(() -> HealthThresholds.custom(1.5, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HealthThresholds.custom(0.1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConsecutiveErrors must be positive: 0");
        assertThat(HealthThresholds.strict().isHealthy(0.009, 1)).isTrue();
        assertThat(HealthThresholds.strict().isHealthy(0.01, 1)).isFalse();
        assertThat(HealthThresholds.strict().isHealthy(0, 2)).isFalse();
    }

    @Test
    void countersAndGauges() {
        FlowMetrics metrics = FlowMetrics.create("counters");
        metrics.recordRetry();
        metrics.recordRetry();
        metrics.recordBackpressure();
        metrics.recordDrop();
        metrics.queueDepth(7);
        metrics.recordProcessingTime(Duration.ofMillis(3));
        FlowMetrics.Snapshot s = metrics.snapshot();
        assertThat(s.retries()).isEqualTo(2);
        assertThat(s.backpressureEvents()).isEqualTo(2);
        assertThat(s.dropped()).isEqualTo(1);
        assertThat(s.queueDepth()).isEqualTo(7);
        assertThat(s.processingTime()).isEqualTo(Duration.ofMillis(3));
        assertThatThrownBy(() -> metrics.recordItem(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.queueDepth(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNegativeSizeFailsTheStage() {
        FlowMetrics metrics = FlowMetrics.create("sizes");
        assertThatThrownBy(() -> Flow.of("a").withMetrics(metrics, s -> -1L).toList())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("withMetrics sizer returned a negative size -1 for a");
    }

    @Test
    void metricsAccumulateOverCollectionsAndAcrossThreads() {
        FlowMetrics metrics = FlowMetrics.create("shared");
        Flow<Integer> flow = Flow.fromIterable(range(0, 1000)).mapConcurrent(8, metrics.timed(i -> i)).withMetrics(metrics);
        flow.count();
        flow.count();
        assertThat(metrics.snapshot().items()).isEqualTo(2000);
        assertThat(metrics.snapshot().latency().count()).isEqualTo(4000); // 2000 calls + 2000 deliveries
    }

    // ------------------------------------------------------------------ the histogram

    @Test
    void bucketsCoverEveryValueWithBoundedRelativeWidth() {
        Random random = new Random(42);
        for (int c = 0; c < 5000; c++) {
            long v = c < 100 ? c : (random.nextLong() >>> 1) >>> random.nextInt(63);
            int index = LatencyHistogram.indexOf(v);
            assertThat(index).as("index of " + v).isBetween(0, LatencyHistogram.BUCKETS - 1);
            assertThat(LatencyHistogram.lowerBound(index)).as("lower bound for " + v).isLessThanOrEqualTo(v);
            assertThat(LatencyHistogram.upperBound(index)).as("upper bound for " + v).isGreaterThanOrEqualTo(v);
            long width = LatencyHistogram.upperBound(index) - LatencyHistogram.lowerBound(index) + 1;
            assertThat(width).as("width at " + v).isLessThanOrEqualTo(Math.max(1, LatencyHistogram.lowerBound(index) / 32));
        }
        assertThat(LatencyHistogram.indexOf(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
        assertThat(LatencyHistogram.upperBound(LatencyHistogram.BUCKETS - 1)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void percentilesAreWithinOneBucketOfTheExactOnes() {
        Random random = new Random(7);
        for (int c = 0; c < 200; c++) {
            LatencyHistogram histogram = new LatencyHistogram();
            int n = 1 + random.nextInt(500);
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                values[i] = (long) Math.exp(random.nextDouble() * 20); // 1 ns to ~0.5 s, log-uniform
                histogram.record(values[i]);
            }
            Arrays.sort(values);
            assertThat(histogram.count()).isEqualTo(n);
            assertThat(histogram.max()).isEqualTo(values[n - 1]);
            for (double q : new double[] {0, 0.5, 0.9, 0.99, 0.999, 1}) {
                long exact = values[(int) Math.max(0, Math.ceil(q * n) - 1)];
                long reported = histogram.percentile(q);
                String as = "case " + c + ", q " + q + ", values " + (n <= 20 ? Arrays.toString(values) : n + " values");
                assertThat(reported).as(as).isGreaterThanOrEqualTo(exact);
                assertThat(reported).as(as).isLessThanOrEqualTo(exact + Math.max(0, exact / 32));
            }
        }
        assertThat(new LatencyHistogram().percentile(0.5)).isZero();
        assertThatThrownBy(() -> new LatencyHistogram().percentiles(1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void sleep(VirtualScheduler vs, Duration d) {
        try {
            vs.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
