package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** mapConcurrent, mapConcurrentUnordered and mapParallel: exact sequences, concurrency, failure and cancellation. */
class MapConcurrentTest {

    private static final Duration SAFETY = Duration.ofSeconds(20);

    static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static Set<Thread> newThreadsSince(Set<Thread> before) {
        Set<Thread> now = new HashSet<>(FlowThreads.live());
        now.removeAll(before);
        return now;
    }

    // ------------------------------------------------------------------ harness

    @TestFactory
    Stream<DynamicTest> mapConcurrent() {
        return OperatorHarness.<Integer, Integer>operator("mapConcurrent", up -> up.mapConcurrent(3, i -> i * 10))
                .emits("ten elements in input order", range(1, 11), range(1, 11).stream().map(i -> i * 10).toList())
                .emits("one element", List.of(7), List.of(70))
                .emits("concurrency above the size", range(0, 2), List.of(0, 10))
                .fails("upstream fails at once", OperatorHarness.failingAfter(List.of(), new IllegalStateException("x")),
                        List.of(), IllegalStateException.class)
                .userFunctionFailure(up -> up.mapConcurrent(3, i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1, 2, 3), "mapConcurrent")
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> mapConcurrentWithConcurrencyOne() {
        return OperatorHarness.<Integer, String>operator("mapConcurrent(1)", up -> up.mapConcurrent(1, i -> "v" + i))
                .emits("three", List.of(1, 2, 3), List.of("v1", "v2", "v3"))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> mapConcurrentUnordered() {
        return OperatorHarness.<Integer, Integer>operator("mapConcurrentUnordered",
                        up -> up.mapConcurrentUnordered(4, i -> i + 1))
                .satisfies("every result once", range(0, 50),
                        out -> assertThat(out).containsExactlyInAnyOrderElementsOf(range(1, 51)))
                .userFunctionFailure(up -> up.mapConcurrentUnordered(2, i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1, 2), "mapConcurrentUnordered")
                .earlyCancelInput(List.of(1, 2, 3))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> mapParallel() {
        return OperatorHarness.<Integer, Long>operator("mapParallel", up -> up.mapParallel(2, i -> (long) i * i))
                .emits("squares in input order", range(0, 40), range(0, 40).stream().map(i -> (long) i * i).toList())
                .fails("upstream fails at once", OperatorHarness.failingAfter(List.of(), new IllegalStateException("x")),
                        List.of(), IllegalStateException.class)
                .userFunctionFailure(up -> up.mapParallel(2, i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1, 2, 3), "mapParallel")
                .tests();
    }

    // ------------------------------------------------------------------ order and concurrency

    @Test
    void resultsLeaveInInputOrderEvenWhenTheyCompleteInReverse() {
        assertTimeoutPreemptively(SAFETY, () -> {
            int n = 5;
            List<CountDownLatch> finished = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                finished.add(new CountDownLatch(1));
            }
            List<Integer> completionOrder = Collections.synchronizedList(new ArrayList<>());
            List<Integer> out = Flow.fromIterable(range(0, n)).mapConcurrent(n, i -> {
                if (i < n - 1) {
                    awaitLatch(finished.get(i + 1)); // each call waits for the next one to finish
                }
                completionOrder.add(i);
                finished.get(i).countDown();
                return i * 100;
            }).toList();
            assertThat(completionOrder).containsExactly(4, 3, 2, 1, 0);
            assertThat(out).containsExactly(0, 100, 200, 300, 400);
        });
    }

    @Test
    void unorderedEmitsInCompletionOrder() {
        assertTimeoutPreemptively(SAFETY, () -> {
            // call i waits until downstream has received the result of call i + 1
            List<CountDownLatch> received = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
            List<Integer> out = new ArrayList<>();
            Flow.fromIterable(List.of(0, 1, 2)).mapConcurrentUnordered(3, i -> {
                if (i < 2) {
                    awaitLatch(received.get(i + 1));
                }
                return i;
            }).forEach(i -> {
                out.add(i);
                received.get(i).countDown();
            });
            assertThat(out).containsExactly(2, 1, 0);
        });
    }

    @Test
    void unorderedWithConcurrencyOneKeepsTheInputOrder() {
        assertThat(Flow.fromIterable(range(0, 200)).mapConcurrentUnordered(1, i -> i * 2).toList())
                .isEqualTo(range(0, 200).stream().map(i -> i * 2).toList());
    }

    @Test
    void runsExactlyConcurrencyCallsAtOnce() {
        assertTimeoutPreemptively(SAFETY, () -> {
            int n = 8;
            // every call of the first wave waits until n calls have started: fewer than n at once would hang
            CountDownLatch started = new CountDownLatch(n);
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger maxInFlight = new AtomicInteger();
            List<Integer> out = Flow.fromIterable(range(0, 40)).mapConcurrent(n, i -> {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                started.countDown();
                awaitLatch(started);
                inFlight.decrementAndGet();
                return i;
            }).toList();
            assertThat(out).isEqualTo(range(0, 40));
            assertThat(maxInFlight.get()).isEqualTo(n);
        });
    }

    @Test
    void aSlowHeadHoldsBackAtMostConcurrencyResults() {
        assertTimeoutPreemptively(SAFETY, () -> {
            int n = 4;
            CountDownLatch releaseHead = new CountDownLatch(1);
            CountDownLatch othersDone = new CountDownLatch(n);
            AtomicInteger calls = new AtomicInteger();
            Thread[] headWorker = new Thread[1];
            List<Integer> out = Collections.synchronizedList(new ArrayList<>());
            Thread collector = Thread.ofVirtual().start(() -> Flow.fromIterable(range(0, 100)).mapConcurrent(n, i -> {
                calls.incrementAndGet();
                if (i == 0) {
                    headWorker[0] = Thread.currentThread();
                    awaitLatch(releaseHead);
                } else if (i <= n) {
                    othersDone.countDown();
                }
                return i;
            }).forEach(out::add));
            awaitLatch(othersDone);
            // the n results behind the running head fill the reorder buffer: every other worker goes idle
            await().atMost(SAFETY).until(() -> FlowThreads.live().stream()
                    .filter(t -> t.getName().startsWith("tide-flow-mapConcurrent-") && !t.getName().contains("upstream"))
                    .filter(t -> t != headWorker[0])
                    .allMatch(t -> t.getState() == Thread.State.WAITING));
            assertThat(calls.get()).as("calls started while the head is running").isEqualTo(n + 1);
            assertThat(out).as("nothing passes the head").isEmpty();
            releaseHead.countDown();
            collector.join();
            assertThat(out).isEqualTo(range(0, 100));
        });
    }

    @Test
    void mapParallelRunsOnPlatformThreadsAndMapConcurrentOnVirtualOnes() {
        Set<Boolean> parallelVirtual = ConcurrentHashMap.newKeySet();
        Set<String> parallelNames = ConcurrentHashMap.newKeySet();
        Flow.fromIterable(range(0, 20)).mapParallel(2, i -> {
            parallelVirtual.add(Thread.currentThread().isVirtual());
            parallelNames.add(Thread.currentThread().getName().replaceAll("-\\d+$", ""));
            return i;
        }).toList();
        assertThat(parallelVirtual).containsExactly(false);
        assertThat(parallelNames).containsExactly("tide-flow-cpu");
        assertThat(CpuPool.running()).as("pool tasks still running after the terminal returned").isZero();

        Set<Boolean> concurrentVirtual = ConcurrentHashMap.newKeySet();
        Flow.fromIterable(range(0, 20)).mapConcurrent(4, i -> {
            concurrentVirtual.add(Thread.currentThread().isVirtual());
            return i;
        }).toList();
        assertThat(concurrentVirtual).containsExactly(true);
    }

    @Test
    void nestedMapParallelDoesNotStarveAndACancelledRunLeavesNoInterruptBehind() {
        assertTimeoutPreemptively(SAFETY, () -> {
            // every outer call runs an inner mapParallel: the pool grows instead of waiting for its own threads
            List<Integer> nested = Flow.fromIterable(range(0, 8)).mapParallel(2, i ->
                    Flow.fromIterable(range(0, 10)).mapParallel(2, j -> i * 100 + j).fold(0, Integer::sum)).toList();
            assertThat(nested).isEqualTo(range(0, 8).stream().map(i -> i * 1000 + 45).toList());

            // a run stopped while its calls block: they are interrupted...
            CountDownLatch never = new CountDownLatch(1);
            CountDownLatch blocking = new CountDownLatch(1);
            AtomicInteger interrupted = new AtomicInteger();
            assertThat(Flow.fromIterable(range(0, 100)).mapParallel(2, i -> {
                if (i > 0) {
                    blocking.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    }
                }
                return i;
            }).map(i -> {
                awaitLatch(blocking); // stop only once a call blocks
                return i;
            }).take(1).toList()).containsExactly(0);
            assertThat(interrupted.get()).isBetween(1, 2);
            assertThat(CpuPool.running()).isZero();
            // ...and the pool threads they ran on start the next run's calls without an interrupt flag
            Set<Boolean> flags = ConcurrentHashMap.newKeySet();
            Flow.fromIterable(range(0, 50)).mapParallel(2, i -> {
                flags.add(Thread.currentThread().isInterrupted());
                return i;
            }).toList();
            assertThat(flags).containsExactly(false);
        });
    }

    @Test
    void mapParallelUsesSeveralThreadsAtOnce() {
        assertTimeoutPreemptively(SAFETY, () -> {
            CountDownLatch both = new CountDownLatch(2);
            List<Integer> out = Flow.fromIterable(range(0, 10)).mapParallel(2, i -> {
                if (i < 2) {
                    both.countDown();
                    awaitLatch(both); // hangs unless two calls run at the same time
                }
                return -i;
            }).toList();
            assertThat(out).isEqualTo(range(0, 10).stream().map(i -> -i).toList());
        });
    }

    // ------------------------------------------------------------------ failure and cancellation

    @Test
    void theFirstFailureInterruptsTheCallsInFlightAndFailsTheFlow() {
        assertTimeoutPreemptively(SAFETY, () -> {
            CountDownLatch othersStarted = new CountDownLatch(3);
            CountDownLatch never = new CountDownLatch(1);
            AtomicInteger interrupted = new AtomicInteger();
            OperatorHarness.Boom boom = new OperatorHarness.Boom("element 3");
            Set<Thread> before = FlowThreads.live();
            assertThatThrownBy(() -> Flow.fromIterable(range(0, 100)).mapConcurrent(4, i -> {
                if (i == 3) {
                    awaitLatch(othersStarted);
                    throw boom;
                }
                othersStarted.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                }
                return i;
            }).toList()).isSameAs(boom);
            assertThat(interrupted.get()).as("calls interrupted").isEqualTo(3);
            assertThat(newThreadsSince(before)).isEmpty();
            assertThat(Stages.tagOf(boom)).hasToString("failed in stage mapConcurrent#2");
        });
    }

    @Test
    void takeDownstreamStopsTheWorkInFlight() {
        assertTimeoutPreemptively(SAFETY, () -> {
            CountDownLatch never = new CountDownLatch(1);
            AtomicInteger interrupted = new AtomicInteger();
            AtomicInteger sourceFinally = new AtomicInteger();
            Flow<Integer> source = emitter -> {
                try {
                    for (int i = 0; ; i++) {
                        emitter.emit(i);
                    }
                } finally {
                    sourceFinally.incrementAndGet();
                }
            };
            Set<Thread> before = FlowThreads.live();
            AtomicInteger blocking = new AtomicInteger();
            List<Integer> out = source.mapConcurrentUnordered(4, i -> {
                if (i >= 2) {
                    blocking.incrementAndGet();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        return -1;
                    }
                }
                return i;
            }).take(2).toList();
            assertThat(out).containsExactlyInAnyOrder(0, 1);
            assertThat(sourceFinally.get()).isEqualTo(1);
            assertThat(interrupted.get()).as("every blocked call was interrupted").isEqualTo(blocking.get());
            assertThat(blocking.get()).as("calls beyond the two results: at most one per worker")
                    .isLessThanOrEqualTo(4);
            assertThat(newThreadsSince(before)).isEmpty();
        });
    }

    @Test
    void aNullResultFailsWithNullPointerException() {
        assertThatThrownBy(() -> Flow.of(1, 2).mapConcurrent(2, i -> i == 2 ? null : i).toList())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("mapConcurrent function returned null for 2");
    }

    @Test
    void aCheckedUpstreamFailureReachesTheTerminalAsFlowException() {
        Flow<Integer> failing = emitter -> {
            throw new java.io.IOException("disk");
        };
        assertThatThrownBy(() -> failing.mapConcurrent(2, i -> i).toList())
                .isInstanceOf(FlowException.class)
                .satisfies(e -> assertThat(((FlowException) e).kind()).isEqualTo(FlowException.Kind.CHECKED))
                .hasCauseInstanceOf(java.io.IOException.class);
    }

    @Test
    void anInterruptedCollectorStopsEverythingAndKeepsItsFlag() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Set<Thread> before = FlowThreads.live();
        Throwable[] thrown = new Throwable[1];
        boolean[] flag = new boolean[1];
        Thread collector = Thread.ofVirtual().start(() -> {
            try {
                Flow.of(1, 2, 3).mapConcurrent(2, i -> {
                    started.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return i;
                }).toList();
            } catch (Throwable t) {
                thrown[0] = t;
                flag[0] = Thread.currentThread().isInterrupted();
            }
        });
        started.await();
        collector.interrupt();
        collector.join();
        assertThat(thrown[0]).isInstanceOf(FlowException.class);
        assertThat(((FlowException) thrown[0]).kind()).isEqualTo(FlowException.Kind.INTERRUPTED);
        assertThat(flag[0]).isTrue();
        assertThat(newThreadsSince(before)).isEmpty();
    }

    @Test
    void misuseFailsFast() {
        Flow<Integer> flow = Flow.of(1);
        assertThatThrownBy(() -> flow.mapConcurrent(0, i -> i)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concurrency must be positive: 0");
        assertThatThrownBy(() -> flow.mapConcurrentUnordered(-1, i -> i)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> flow.mapParallel(0, i -> i)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parallelism must be positive: 0");
        assertThatThrownBy(() -> flow.mapConcurrent(1, null)).isInstanceOf(NullPointerException.class);
    }
}
