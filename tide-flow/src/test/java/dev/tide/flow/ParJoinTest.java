package dev.tide.flow;

import static dev.tide.flow.MapConcurrentTest.awaitLatch;
import static dev.tide.flow.MapConcurrentTest.newThreadsSince;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** parJoin and flatMapMerge: bounded concurrency, lazy outer, failure and cancellation. */
class ParJoinTest {

    private static final Duration SAFETY = Duration.ofSeconds(20);

    @TestFactory
    Stream<DynamicTest> flatMapMerge() {
        return OperatorHarness.<Integer, Pair<Integer, Integer>>operator("flatMapMerge",
                        up -> up.flatMapMerge(2, i -> Flow.of(Pair.of(i, 0), Pair.of(i, 1), Pair.of(i, 2))))
                .satisfies("three per element, each inner in order", List.of(1, 2, 3, 4), out -> {
                    assertThat(out).hasSize(12);
                    for (int i = 1; i <= 4; i++) {
                        int inner = i;
                        assertThat(out.stream().filter(p -> p.first() == inner).map(Pair::second).toList())
                                .containsExactly(0, 1, 2);
                    }
                })
                .userFunctionFailure(up -> up.flatMapMerge(2, i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "flatMapMerge")
                .earlyCancelInput(List.of(1, 2, 3))
                .tests();
    }

    @Test
    void parJoinRunsUpToConcurrencyInnerFlowsAtOnceAndPullsTheOuterLazily() {
        assertTimeoutPreemptively(SAFETY, () -> {
            CountDownLatch twoStarted = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger outerPulled = new AtomicInteger();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            Flow<Flow<Integer>> outer = emitter -> {
                for (int i = 0; i < 6; i++) {
                    outerPulled.incrementAndGet();
                    int base = i * 10;
                    Flow<Integer> inner = out -> {
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        twoStarted.countDown();
                        awaitLatch(release);
                        out.emit(base);
                        out.emit(base + 1);
                        running.decrementAndGet();
                    };
                    emitter.emit(inner);
                }
            };
            List<Integer> out = Collections.synchronizedList(new ArrayList<>());
            Thread collector = Thread.ofVirtual().start(() -> Flow.parJoin(2, outer).forEach(out::add));
            awaitLatch(twoStarted); // hangs unless two inner flows run at once
            // the third inner flow was pulled and waits for a slot; the outer is not pulled further
            await().atMost(SAFETY).until(() -> outerPulled.get() == 3);
            assertThat(running.get()).isEqualTo(2);
            release.countDown();
            collector.join();
            assertThat(maxRunning.get()).isEqualTo(2);
            assertThat(out).hasSize(12);
            for (int i = 0; i < 6; i++) {
                int base = i * 10;
                assertThat(out.stream().filter(v -> v / 10 == base / 10).toList()).containsExactly(base, base + 1);
            }
        });
    }

    @Test
    void aFailingInnerFlowCancelsTheOthers() {
        assertTimeoutPreemptively(SAFETY, () -> {
            CountDownLatch blockedStarted = new CountDownLatch(1);
            CountDownLatch never = new CountDownLatch(1);
            AtomicInteger interrupted = new AtomicInteger();
            AtomicInteger finallyRan = new AtomicInteger();
            IllegalStateException failure = new IllegalStateException("inner failed");
            Flow<Integer> blocked = out -> {
                try {
                    blockedStarted.countDown();
                    never.await();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                } finally {
                    finallyRan.incrementAndGet();
                }
            };
            Flow<Integer> failing = out -> {
                awaitLatch(blockedStarted);
                throw failure;
            };
            Set<Thread> before = FlowThreads.live();
            assertThatThrownBy(() -> Flow.parJoin(2, Flow.of(blocked, failing)).toList()).isSameAs(failure);
            assertThat(interrupted.get()).isEqualTo(1);
            assertThat(finallyRan.get()).isEqualTo(1);
            assertThat(newThreadsSince(before)).isEmpty();
        });
    }

    @Test
    void aFailingOuterFlowFailsTheJoin() {
        IllegalStateException failure = new IllegalStateException("outer failed");
        Flow<Flow<Integer>> outer = OperatorHarness.failingAfter(List.of(Flow.of(1)), failure);
        assertThatThrownBy(() -> Flow.parJoin(3, outer).toList()).isSameAs(failure);
    }

    @Test
    void takeStopsEveryInnerFlow() {
        assertTimeoutPreemptively(SAFETY, () -> {
            AtomicInteger finallyRan = new AtomicInteger();
            AtomicInteger started = new AtomicInteger();
            Flow<Flow<Integer>> endless = emitter -> {
                for (int i = 0; ; i++) {
                    int base = i;
                    Flow<Integer> inner = out -> {
                        started.incrementAndGet();
                        try {
                            for (int j = 0; ; j++) {
                                out.emit(base * 1000 + j);
                            }
                        } finally {
                            finallyRan.incrementAndGet();
                        }
                    };
                    emitter.emit(inner);
                }
            };
            Set<Thread> before = FlowThreads.live();
            assertThat(Flow.parJoin(3, endless).take(50).toList()).hasSize(50);
            assertThat(finallyRan.get()).isEqualTo(started.get());
            assertThat(started.get()).isBetween(1, 3);
            assertThat(newThreadsSince(before)).isEmpty();
        });
    }

    @Test
    void concurrencyOneIsConcatenation() {
        assertThat(Flow.of(1, 2, 3).flatMapMerge(1, i -> Flow.of(i, i * 10)).toList()).containsExactly(1, 10, 2, 20, 3, 30);
    }

    @Test
    void misuseFailsFast() {
        assertThatThrownBy(() -> Flow.parJoin(0, Flow.<Flow<Integer>>empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flow.of(1).flatMapMerge(0, i -> Flow.of(i))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flow.of(1).flatMapMerge(1, i -> null).toList())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("flatMapMerge function returned null for 1");
    }
}
