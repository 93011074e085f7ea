package dev.tide.flow;

import static dev.tide.flow.MapConcurrentTest.awaitLatch;
import static dev.tide.flow.MapConcurrentTest.newThreadsSince;
import static dev.tide.flow.MapConcurrentTest.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** buffer / prefetch: overflow policies, hysteresis, metrics and budgets, with exact sequences. */
class BufferTest {

    private static final Duration SAFETY = Duration.ofSeconds(20);

    /**
     * Emits 1, waits until downstream has received it, then emits 2..last as fast as it can; {@code ended} is
     * counted down when the source ends for any reason. Downstream holds element 1 until then (see
     * {@link #collectHoldingFirst}), so every later element meets the buffer in a known state.
     */
    private static Flow<Integer> stepped(int last, CountDownLatch firstReceived, CountDownLatch ended) {
        return emitter -> {
            try {
                emitter.emit(1);
                awaitLatch(firstReceived);
                for (int i = 2; i <= last; i++) {
                    emitter.emit(i);
                }
            } finally {
                ended.countDown();
            }
        };
    }

    private static List<Integer> collectHoldingFirst(Flow<Integer> flow, CountDownLatch firstReceived,
                                                     CountDownLatch ended, List<Integer> out) {
        flow.forEach(v -> {
            out.add(v);
            if (v == 1) {
                firstReceived.countDown();
                awaitLatch(ended);
            }
        });
        return out;
    }

    @TestFactory
    Stream<DynamicTest> buffer() {
        return OperatorHarness.<Integer, Integer>operator("buffer", up -> up.buffer(2))
                .emits("everything in order", range(0, 30), range(0, 30))
                .emits("one", List.of(5), List.of(5))
                .fails("upstream failure after the buffered elements",
                        OperatorHarness.failingAfter(List.of(1, 2, 3), new IllegalStateException("x")),
                        List.of(1, 2, 3), IllegalStateException.class)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> prefetch() {
        return OperatorHarness.<Integer, Integer>operator("prefetch", up -> up.prefetch(5))
                .emits("everything in order", range(0, 12), range(0, 12))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> bufferWithHysteresis() {
        return OperatorHarness.<Integer, Integer>operator("buffer(resumeAt)",
                        up -> up.buffer(BufferSpec.capacity(4).resumeAt(1)))
                .emits("everything in order", range(0, 50), range(0, 50))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> dropOldest() {
        return OperatorHarness.<Integer, Integer>operator("buffer(DROP_OLDEST)", up -> up.buffer(2, Overflow.DROP_OLDEST))
                .satisfies("an ordered subsequence that keeps the last element", range(0, 200), out -> {
                    assertThat(out).isSorted().doesNotHaveDuplicates().contains(199);
                })
                .earlyCancelInput(range(0, 5))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> dropNewest() {
        return OperatorHarness.<Integer, Integer>operator("buffer(DROP_NEWEST)", up -> up.buffer(2, Overflow.DROP_NEWEST))
                .satisfies("an ordered subsequence that keeps the first element", range(0, 200), out -> {
                    assertThat(out).isSorted().doesNotHaveDuplicates().contains(0);
                })
                .earlyCancelInput(range(0, 5))
                .tests();
    }

    @Test
    void dropOldestKeepsTheNewestElementsAndCountsTheDrops() {
        assertTimeoutPreemptively(SAFETY, () -> {
            FlowMetrics metrics = FlowMetrics.create("drop-oldest");
            CountDownLatch firstReceived = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            List<Integer> out = collectHoldingFirst(stepped(10, firstReceived, ended)
                            .buffer(BufferSpec.capacity(3).overflow(Overflow.DROP_OLDEST).metrics(metrics)),
                    firstReceived, ended, new ArrayList<>());
            assertThat(out).containsExactly(1, 8, 9, 10);
            assertThat(metrics.snapshot().dropped()).isEqualTo(6);
            assertThat(metrics.snapshot().backpressureEvents()).isEqualTo(6);
            assertThat(metrics.snapshot().queueDepth()).isZero();
        });
    }

    @Test
    void dropNewestKeepsTheOldestElementsAndCountsTheDrops() {
        assertTimeoutPreemptively(SAFETY, () -> {
            FlowMetrics metrics = FlowMetrics.create("drop-newest");
            CountDownLatch firstReceived = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            List<Integer> out = collectHoldingFirst(stepped(10, firstReceived, ended)
                            .buffer(BufferSpec.capacity(3).overflow(Overflow.DROP_NEWEST).metrics(metrics)),
                    firstReceived, ended, new ArrayList<>());
            assertThat(out).containsExactly(1, 2, 3, 4);
            assertThat(metrics.snapshot().dropped()).isEqualTo(6);
        });
    }

    @Test
    void failRaisesABackpressureOverflowAfterTheBufferedElements() {
        assertTimeoutPreemptively(SAFETY, () -> {
            FlowMetrics metrics = FlowMetrics.create("fail");
            CountDownLatch firstReceived = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            List<Integer> out = new ArrayList<>();
            Set<Thread> before = FlowThreads.live();
            assertThatThrownBy(() -> collectHoldingFirst(stepped(10, firstReceived, ended)
                            .buffer(BufferSpec.capacity(3).overflow(Overflow.FAIL).metrics(metrics)),
                    firstReceived, ended, out))
                    .isInstanceOf(FlowException.class)
                    .hasMessage("buffer#1 overflowed: 3 elements buffered and 5 arrived (Overflow.FAIL)")
                    .satisfies(e -> assertThat(((FlowException) e).kind())
                            .isEqualTo(FlowException.Kind.BACKPRESSURE_OVERFLOW));
            assertThat(out).containsExactly(1, 2, 3, 4);
            assertThat(metrics.snapshot().backpressureEvents()).isEqualTo(1);
            assertThat(newThreadsSince(before)).isEmpty();
        });
    }

    @Test
    void blockLosesNothingAndCountsEachPause() {
        assertTimeoutPreemptively(SAFETY, () -> {
            FlowMetrics metrics = FlowMetrics.create("block");
            CountDownLatch firstReceived = new CountDownLatch(1);
            CountDownLatch pausedOnce = new CountDownLatch(1);
            List<Integer> out = new ArrayList<>();
            Flow<Integer> source = emitter -> {
                emitter.emit(1);
                awaitLatch(firstReceived);
                for (int i = 2; i <= 20; i++) {
                    emitter.emit(i);
                }
            };
            Thread watcher = Thread.ofVirtual().start(() -> {
                await().atMost(SAFETY).until(() -> metrics.snapshot().backpressureEvents() >= 1);
                pausedOnce.countDown();
            });
            source.buffer(BufferSpec.capacity(3).metrics(metrics)).forEach(v -> {
                out.add(v);
                if (v == 1) {
                    firstReceived.countDown();
                    awaitLatch(pausedOnce); // 2, 3, 4 fill the buffer and 5 must wait
                }
            });
            watcher.join();
            assertThat(out).isEqualTo(range(1, 21));
            assertThat(metrics.snapshot().backpressureEvents()).isGreaterThanOrEqualTo(1);
            assertThat(metrics.snapshot().dropped()).isZero();
        });
    }

    @Test
    void withHysteresisUpstreamStaysPausedUntilTheBufferDrainedToTheLowWatermark() {
        assertTimeoutPreemptively(SAFETY, () -> {
            FlowMetrics metrics = FlowMetrics.create("hysteresis");
            CountDownLatch firstReceived = new CountDownLatch(1);
            CountDownLatch paused = new CountDownLatch(1);
            AtomicInteger pulled = new AtomicInteger();
            List<Integer> pulledWhenReceived = new ArrayList<>();
            Flow<Integer> source = emitter -> {
                pulled.incrementAndGet();
                emitter.emit(1);
                awaitLatch(firstReceived);
                for (int i = 2; i <= 12; i++) {
                    pulled.incrementAndGet();
                    emitter.emit(i);
                }
            };
            Thread watcher = Thread.ofVirtual().start(() -> {
                await().atMost(SAFETY).until(() -> metrics.snapshot().backpressureEvents() >= 1);
                paused.countDown();
            });
            List<Integer> out = new ArrayList<>();
            // capacity 4, resume at 1: once 2..5 fill it and 6 arrives, upstream waits until at most 1 is left
            source.buffer(BufferSpec.capacity(4).resumeAt(1).metrics(metrics)).forEach(v -> {
                out.add(v);
                pulledWhenReceived.add(pulled.get());
                if (v == 1) {
                    firstReceived.countDown();
                    awaitLatch(paused);
                }
            });
            watcher.join();
            assertThat(out).isEqualTo(range(1, 13));
            // when 2 and 3 are taken, 3 and then 2 elements are left (above the watermark): nothing new pulled
            assertThat(pulledWhenReceived.subList(1, 3)).containsExactly(6, 6);
        });
    }

    @Test
    void bufferedElementsCountAgainstABudgetThatFailsTheFlow() {
        assertTimeoutPreemptively(SAFETY, () -> {
            FlowBudget budget = FlowBudget.builder("items").maxBufferedItems(2).build();
            CountDownLatch firstReceived = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            List<Integer> out = new ArrayList<>();
            assertThatThrownBy(() -> collectHoldingFirst(stepped(10, firstReceived, ended)
                    .buffer(BufferSpec.capacity(10).budget(budget)), firstReceived, ended, out))
                    .isInstanceOf(FlowException.class)
                    .hasMessage("budget 'items' exceeded in stage buffer#1: more than 2 buffered elements (maxBufferedItems)");
            assertThat(out).containsExactly(1, 2, 3);
            assertThat(budget.bufferedItems()).isZero();
            assertThat(budget.peakBufferedItems()).isEqualTo(2);
        });
    }

    @Test
    void underShedTheElementsABudgetHasNoRoomForAreDroppedAndCounted() {
        assertTimeoutPreemptively(SAFETY, () -> {
            FlowBudget budget = FlowBudget.builder("items").maxBufferedItems(2).policy(FlowBudget.Policy.SHED).build();
            FlowMetrics metrics = FlowMetrics.create("shed");
            CountDownLatch firstReceived = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            List<Integer> out = collectHoldingFirst(stepped(10, firstReceived, ended)
                            .buffer(BufferSpec.capacity(10).budget(budget).metrics(metrics)),
                    firstReceived, ended, new ArrayList<>());
            assertThat(out).containsExactly(1, 2, 3);
            assertThat(budget.shedItems()).isEqualTo(7);
            assertThat(metrics.snapshot().dropped()).isEqualTo(7);
            assertThat(budget.bufferedItems()).isZero();
        });
    }

    @Test
    void aStoppedBufferGivesItsBudgetUnitsBack() {
        FlowBudget budget = FlowBudget.builder("items").maxBufferedItems(100).build();
        assertThat(Flow.fromIterable(range(0, 1000)).buffer(BufferSpec.capacity(50).budget(budget)).take(3).toList())
                .containsExactly(0, 1, 2);
        assertThat(budget.bufferedItems()).isZero();
    }

    @Test
    void misuseFailsFast() {
        assertThatThrownBy(() -> BufferSpec.capacity(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("buffer capacity must be positive: 0");
        assertThatThrownBy(() -> BufferSpec.capacity(4).resumeAt(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resumeAt must be from 0 to capacity - 1 (3): 4");
        assertThatThrownBy(() -> Flow.of(1).buffer(BufferSpec.capacity(4).resumeAt(1).overflow(Overflow.FAIL)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resumeAt applies to Overflow.BLOCK only, not to FAIL");
        assertThatThrownBy(() -> Flow.of(1).prefetch(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(BufferSpec.capacity(3)).hasToString("BufferSpec[capacity=3, overflow=BLOCK, resumeAt=2]");
    }
}
