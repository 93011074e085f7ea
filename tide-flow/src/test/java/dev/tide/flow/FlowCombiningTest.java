package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * concat, merge, zip, interleave, race, interruptWhen. Where the interleaving of concurrent sources is not
 * deterministic the tests assert each source's exact order and the multiset; where a test needs one
 * particular interleaving, latches force it.
 */
class FlowCombiningTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final IllegalStateException UPSTREAM = new IllegalStateException("upstream");

    @AfterEach
    void noThreadOutlivesATest() {
        assertThat(FlowThreads.live()).as("tide-flow threads after the test").isEmpty();
    }

    /**
     * A flow that blocks until interrupted. A concurrent operator that is cancelled before the flow's
     * thread got to run may never start it; once started, its finally block must run.
     */
    private static final class Blocked<T> implements Flow<T> {
        final AtomicBoolean started = new AtomicBoolean();
        final AtomicBoolean finallyRan = new AtomicBoolean();

        @Override
        public void collect(Emitter<? super T> emitter) throws Exception {
            started.set(true);
            try {
                new CountDownLatch(1).await();
            } finally {
                finallyRan.set(true);
            }
        }

        void assertStoppedIfStarted() {
            assertThat(finallyRan.get()).as("finally ran if started").isEqualTo(started.get());
        }
    }

    private static <T> List<T> run(Flow<T> flow) {
        return assertTimeoutPreemptively(DEADLINE, flow::toList);
    }

    // ------------------------------------------------------------------ concat

    @TestFactory
    Stream<DynamicTest> concat() {
        return OperatorHarness.<Integer, Integer>operator("concat", up -> Flow.concat(up, Flow.of(9), Flow.empty()))
                .emits("in argument order", List.of(1, 2), List.of(1, 2, 9))
                .whenEmpty(List.of(9))
                .earlyCancelPulls(1)
                .tests();
    }

    @Test
    void concatDoesNotCollectTheFlowsAfterAFailure() {
        AtomicBoolean collected = new AtomicBoolean();
        Flow<Integer> later = emitter -> collected.set(true);
        assertThatThrownBy(() -> OperatorHarness.<Integer>failingAfter(List.of(1), UPSTREAM).concatWith(later).toList())
                .isSameAs(UPSTREAM);
        assertThat(collected).isFalse();
    }

    // ------------------------------------------------------------------ merge

    @TestFactory
    Stream<DynamicTest> merge() {
        return OperatorHarness.<Integer, Integer>operator("merge", up -> Flow.merge(up, Flow.of(10, 20)))
                .satisfies("every element once, each source in its own order", List.of(1, 2, 3), out -> {
                    assertThat(out).containsExactlyInAnyOrder(1, 2, 3, 10, 20);
                    assertThat(out.stream().filter(i -> i < 10).toList()).containsExactly(1, 2, 3);
                    assertThat(out.stream().filter(i -> i >= 10).toList()).containsExactly(10, 20);
                })
                .satisfies("the other source alone", List.of(), out -> assertThat(out).containsExactly(10, 20))
                .whenEmpty(List.of(10, 20))
                .earlyCancelInput(List.of(1, 2, 3))
                .tests();
    }

    @Test
    void mergeCollectsItsSourcesConcurrently() {
        // each source waits until the other has started: a sequential merge (RS2's) would never finish
        CountDownLatch aStarted = new CountDownLatch(1);
        CountDownLatch bStarted = new CountDownLatch(1);
        Flow<String> a = emitter -> {
            aStarted.countDown();
            bStarted.await();
            emitter.emit("a");
        };
        Flow<String> b = emitter -> {
            bStarted.countDown();
            aStarted.await();
            emitter.emit("b");
        };
        assertThat(run(Flow.merge(a, b))).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void mergeEmitsInHandOffOrder() {
        // latches force a1, b1, a2, b2: each source waits until downstream has seen the other's element
        CountDownLatch seenA1 = new CountDownLatch(1);
        CountDownLatch seenB1 = new CountDownLatch(1);
        CountDownLatch seenA2 = new CountDownLatch(1);
        Flow<String> a = emitter -> {
            emitter.emit("a1");
            seenB1.await();
            emitter.emit("a2");
        };
        Flow<String> b = emitter -> {
            seenA1.await();
            emitter.emit("b1");
            seenA2.await();
            emitter.emit("b2");
        };
        List<String> out = run(Flow.merge(a, b).onEach(s -> {
            switch (s) {
                case "a1" -> seenA1.countDown();
                case "b1" -> seenB1.countDown();
                case "a2" -> seenA2.countDown();
                default -> { }
            }
        }));
        assertThat(out).containsExactly("a1", "b1", "a2", "b2");
    }

    @Test
    void mergeFailsFastAndCancelsTheOtherSources() {
        CountDownLatch otherStarted = new CountDownLatch(1);
        AtomicBoolean otherFinally = new AtomicBoolean();
        Flow<Integer> other = emitter -> {
            otherStarted.countDown();
            try {
                new CountDownLatch(1).await();
            } finally {
                otherFinally.set(true);
            }
        };
        Flow<Integer> failing = emitter -> {
            otherStarted.await();
            emitter.emit(1);
            emitter.emit(2);
            throw UPSTREAM;
        };
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        assertThatThrownBy(() -> assertTimeoutPreemptively(DEADLINE,
                () -> Flow.merge(other, failing).forEach(seen::add)))
                .isSameAs(UPSTREAM);
        assertThat(seen).as("the elements handed off before the failure").containsExactly(1, 2);
        assertThat(otherFinally).isTrue();
    }

    @Test
    void takeDownstreamOfMergeStopsEndlessSources() {
        // a source whose thread had not started when take(5) was satisfied is never started at all
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finallies = new AtomicInteger();
        Flow<Integer> ones = emitter -> {
            started.incrementAndGet();
            try {
                while (true) {
                    emitter.emit(1);
                }
            } finally {
                finallies.incrementAndGet();
            }
        };
        assertThat(run(Flow.merge(ones, ones, ones).take(5))).containsExactly(1, 1, 1, 1, 1);
        assertThat(started.get()).isPositive();
        assertThat(finallies.get()).isEqualTo(started.get());
    }

    @Test
    void mergeOfNothingIsEmpty() {
        assertThat(Flow.<Integer>merge().toList()).isEmpty();
    }

    // ------------------------------------------------------------------ zip

    @TestFactory
    Stream<DynamicTest> zip() {
        return OperatorHarness.<Integer, Pair<Integer, String>>operator("zip", up -> up.zip(Flow.of("a", "b")))
                .emits("ends with the shorter (right)", List.of(1, 2, 3), List.of(Pair.of(1, "a"), Pair.of(2, "b")))
                .emits("ends with the shorter (left)", List.of(1), List.of(Pair.of(1, "a")))
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> zipWith() {
        return OperatorHarness.<Integer, String>operator("zipWith",
                        up -> up.zipWith(Flow.iterate(10, i -> i + 10), (a, b) -> a + ":" + b))
                .emits("with an endless right side", List.of(1, 2, 3), List.of("1:10", "2:20", "3:30"))
                .userFunctionFailure(up -> up.zipWith(Flow.of(1), (a, b) -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "zipWith")
                .earlyCancelPulls(1)
                .tests();
    }

    @Test
    void zipStopsTheLongerSide() {
        AtomicBoolean rightFinally = new AtomicBoolean();
        AtomicInteger leftPulled = new AtomicInteger();
        Flow<Integer> right = emitter -> {
            try {
                for (int i = 0; ; i++) {
                    emitter.emit(i);
                }
            } finally {
                rightFinally.set(true);
            }
        };
        Flow<String> left = Flow.repeat("x").onEach(x -> leftPulled.incrementAndGet()).take(3);
        assertThat(run(left.zip(right))).containsExactly(Pair.of("x", 0), Pair.of("x", 1), Pair.of("x", 2));
        assertThat(rightFinally).isTrue();

        AtomicBoolean leftFinally = new AtomicBoolean();
        Flow<Integer> endlessLeft = emitter -> {
            try {
                while (true) {
                    emitter.emit(7);
                }
            } finally {
                leftFinally.set(true);
            }
        };
        assertThat(run(endlessLeft.zip(Flow.of("p", "q")))).containsExactly(Pair.of(7, "p"), Pair.of(7, "q"));
        assertThat(leftFinally).isTrue();
    }

    @Test
    void zipFailsWhenTheRightSideFails() {
        AtomicBoolean leftFinally = new AtomicBoolean();
        Flow<Integer> left = emitter -> {
            try {
                for (int i = 0; ; i++) {
                    emitter.emit(i);
                }
            } finally {
                leftFinally.set(true);
            }
        };
        List<Pair<Integer, String>> seen = new ArrayList<>();
        assertThatThrownBy(() -> left.zip(OperatorHarness.failingAfter(List.of("r"), UPSTREAM)).forEach(seen::add))
                .isSameAs(UPSTREAM);
        assertThat(seen).containsExactly(Pair.of(0, "r"));
        assertThat(leftFinally).isTrue();
    }

    // ------------------------------------------------------------------ interleave

    @TestFactory
    Stream<DynamicTest> interleave() {
        return OperatorHarness.<Integer, Integer>operator("interleave",
                        up -> Flow.interleave(up, Flow.of(2, 5, 8), Flow.of(3)))
                .emits("round robin, exhausted sources leave", List.of(1, 4), List.of(1, 2, 3, 4, 5, 8))
                .emits("the first source is longest", List.of(1, 4, 7, 10), List.of(1, 2, 3, 4, 5, 7, 8, 10))
                .whenEmpty(List.of(2, 3, 5, 8))
                .tests();
    }

    @Test
    void interleaveOfEndlessSourcesStopsThemAll() {
        AtomicInteger finallies = new AtomicInteger();
        Flow<String> a = emitter -> {
            try {
                while (true) {
                    emitter.emit("a");
                }
            } finally {
                finallies.incrementAndGet();
            }
        };
        Flow<String> b = emitter -> {
            try {
                while (true) {
                    emitter.emit("b");
                }
            } finally {
                finallies.incrementAndGet();
            }
        };
        assertThat(run(Flow.interleave(a, b).take(5))).containsExactly("a", "b", "a", "b", "a");
        assertThat(finallies).hasValue(2);
    }

    @Test
    void interleaveFailsOnTheFailingSourcesTurn() {
        List<Integer> seen = new ArrayList<>();
        assertThatThrownBy(() -> Flow.interleave(Flow.of(1, 3, 5),
                        OperatorHarness.failingAfter(List.of(2), UPSTREAM)).forEach(seen::add))
                .isSameAs(UPSTREAM);
        assertThat(seen).containsExactly(1, 2, 3);
    }

    // ------------------------------------------------------------------ race

    @TestFactory
    Stream<DynamicTest> race() {
        return OperatorHarness.<Integer, Integer>operator("race", up -> Flow.race(Flow.empty(), up))
                .emits("the only source that emits wins", List.of(1, 2, 3), List.of(1, 2, 3))
                .tests();
    }

    @Test
    void theFirstToEmitWinsAndTheOthersAreCancelled() {
        Blocked<String> slow = new Blocked<>();
        List<String> out = run(Flow.race(slow, Flow.of("f1", "f2")));
        assertThat(out).containsExactly("f1", "f2");
        slow.assertStoppedIfStarted();
    }

    @Test
    void aLoserThatEmitsLaterIsStoppedAtItsEmit() {
        // b has started and ignores interrupts (an uncooperative source); it emits once downstream has seen
        // a's first element: too late, it has lost, and its emit throws instead of returning
        CountDownLatch bStarted = new CountDownLatch(1);
        CountDownLatch aSeen = new CountDownLatch(1);
        CountDownLatch aMayFinish = new CountDownLatch(1);
        AtomicBoolean bFinally = new AtomicBoolean();
        AtomicBoolean bEmitReturned = new AtomicBoolean();
        Flow<String> a = emitter -> {
            bStarted.await();
            emitter.emit("a1");
            aMayFinish.await();
            emitter.emit("a2");
        };
        Flow<String> b = emitter -> {
            bStarted.countDown();
            try {
                while (true) {
                    try {
                        aSeen.await();
                        break;
                    } catch (InterruptedException ignored) {
                        // uncooperative on purpose
                    }
                }
                emitter.emit("b1");
                bEmitReturned.set(true);
            } finally {
                bFinally.set(true);
                aMayFinish.countDown();
            }
        };
        List<String> out = run(Flow.race(a, b).onEach(s -> aSeen.countDown()));
        assertThat(out).containsExactly("a1", "a2");
        assertThat(bEmitReturned).isFalse();
        assertThat(bFinally).isTrue();
    }

    @Test
    void raceOfSourcesThatAllCompleteEmptyIsEmpty() {
        assertThat(run(Flow.race(Flow.<Integer>empty(), Flow.empty()))).isEmpty();
    }

    @Test
    void aFailureBeforeAnyWinnerFailsTheRace() {
        Blocked<Integer> other = new Blocked<>();
        assertThatThrownBy(() -> assertTimeoutPreemptively(DEADLINE,
                () -> Flow.race(other, OperatorHarness.<Integer>failingAfter(List.of(), UPSTREAM)).toList()))
                .isSameAs(UPSTREAM);
        other.assertStoppedIfStarted();
    }

    @Test
    void theWinnersFailureFailsTheRace() {
        Blocked<Integer> other = new Blocked<>();
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        assertThatThrownBy(() -> assertTimeoutPreemptively(DEADLINE,
                () -> Flow.race(OperatorHarness.failingAfter(List.of(1), UPSTREAM), other).forEach(seen::add)))
                .isSameAs(UPSTREAM);
        assertThat(seen).containsExactly(1);
        other.assertStoppedIfStarted();
    }

    // ------------------------------------------------------------------ interruptWhen

    @TestFactory
    Stream<DynamicTest> interruptWhenWithASignalThatNeverFires() {
        return OperatorHarness.<Integer, Integer>operator("interruptWhen",
                        up -> up.interruptWhen(new CompletableFuture<Void>()))
                .emits("everything, in order", List.of(1, 2, 3), List.of(1, 2, 3))
                .earlyCancelInput(List.of(1, 2, 3))
                .tests();
    }

    @Test
    void theSignalStopsABlockedUpstream() {
        CompletableFuture<Void> signal = new CompletableFuture<>();
        AtomicBoolean upstreamFinally = new AtomicBoolean();
        Flow<Integer> upstream = emitter -> {
            try {
                emitter.emit(1);
                emitter.emit(2);
                new CountDownLatch(1).await();
            } finally {
                upstreamFinally.set(true);
            }
        };
        List<Integer> out = run(upstream.interruptWhen(signal).onEach(i -> {
            if (i == 2) {
                signal.complete(null);
            }
        }));
        assertThat(out).containsExactly(1, 2);
        assertThat(upstreamFinally).isTrue();
    }

    @Test
    void aSignalAlreadyCompleteWinsAndUpstreamIsNotStarted() {
        AtomicBoolean started = new AtomicBoolean();
        Flow<Integer> upstream = emitter -> {
            started.set(true);
            emitter.emit(1);
        };
        assertThat(run(upstream.interruptWhen(CompletableFuture.completedFuture("now")))).isEmpty();
        assertThat(started).isFalse();
    }

    @Test
    void aSignalCompletingExceptionallyFailsTheFlowWithItsCause() {
        CompletableFuture<Void> signal = new CompletableFuture<>();
        IllegalArgumentException cause = new IllegalArgumentException("shutdown");
        AtomicBoolean upstreamFinally = new AtomicBoolean();
        Flow<Integer> upstream = emitter -> {
            try {
                emitter.emit(1);
                new CountDownLatch(1).await();
            } finally {
                upstreamFinally.set(true);
            }
        };
        List<Integer> seen = new ArrayList<>();
        assertThatThrownBy(() -> assertTimeoutPreemptively(DEADLINE, () -> upstream.interruptWhen(
                signal.thenApply(v -> v)).forEach(i -> {
                    seen.add(i);
                    signal.completeExceptionally(cause);
                }))).isSameAs(cause);
        assertThat(seen).containsExactly(1);
        assertThat(upstreamFinally).isTrue();
    }

    @TestFactory
    Stream<DynamicTest> interruptWhenWithASignalFlowThatNeverEmits() {
        return OperatorHarness.<Integer, Integer>operator("interruptWhen(flow)",
                        up -> up.interruptWhen(new Blocked<String>()))
                .emits("everything, in order", List.of(1, 2, 3), List.of(1, 2, 3))
                .earlyCancelInput(List.of(1, 2, 3))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> interruptWhenWithAnEmptySignalFlow() {
        return OperatorHarness.<Integer, Integer>operator("interruptWhen(empty)",
                        up -> up.interruptWhen(Flow.empty()))
                .emits("everything: an empty signal never fires", List.of(1, 2, 3), List.of(1, 2, 3))
                .earlyCancelInput(List.of(1, 2, 3))
                .tests();
    }

    @Test
    void theFirstElementOfASignalFlowStopsABlockedUpstreamAndTheSignal() {
        CountDownLatch fire = new CountDownLatch(1);
        AtomicBoolean upstreamFinally = new AtomicBoolean();
        AtomicBoolean signalFinally = new AtomicBoolean();
        Flow<Integer> upstream = emitter -> {
            try {
                emitter.emit(1);
                emitter.emit(2);
                new CountDownLatch(1).await();
            } finally {
                upstreamFinally.set(true);
            }
        };
        Flow<String> signal = emitter -> {
            try {
                fire.await();
                emitter.emit("stop");
                new CountDownLatch(1).await(); // never reached: the first element ends the signal
            } finally {
                signalFinally.set(true);
            }
        };
        List<Integer> out = run(upstream.interruptWhen(signal).onEach(i -> {
            if (i == 2) {
                fire.countDown();
            }
        }));
        assertThat(out).containsExactly(1, 2);
        assertThat(upstreamFinally).isTrue();
        assertThat(signalFinally).isTrue();
    }

    @Test
    void upstreamEndingFirstCancelsASignalFlowThatNeverEmits() {
        Blocked<String> signal = new Blocked<>();
        assertThat(run(Flow.of(1, 2, 3).interruptWhen(signal))).containsExactly(1, 2, 3);
        signal.assertStoppedIfStarted();
    }

    @Test
    void aFailingSignalFlowFailsTheFlowAndStopsUpstream() {
        CountDownLatch fail = new CountDownLatch(1);
        IllegalStateException cause = new IllegalStateException("signal broke");
        AtomicBoolean upstreamFinally = new AtomicBoolean();
        Flow<Integer> upstream = emitter -> {
            try {
                emitter.emit(1);
                new CountDownLatch(1).await();
            } finally {
                upstreamFinally.set(true);
            }
        };
        Flow<String> signal = emitter -> {
            fail.await();
            throw cause;
        };
        List<Integer> seen = new ArrayList<>();
        assertThatThrownBy(() -> assertTimeoutPreemptively(DEADLINE, () -> upstream.interruptWhen(signal).forEach(i -> {
            seen.add(i);
            fail.countDown();
        }))).isSameAs(cause);
        assertThat(seen).containsExactly(1);
        assertThat(upstreamFinally).isTrue();
    }

    @Test
    void anUpstreamFailureFailsTheFlowAndCancelsTheSignal() {
        Blocked<String> signal = new Blocked<>();
        assertThatThrownBy(() -> run(OperatorHarness.<Integer>failingAfter(List.of(1), UPSTREAM).interruptWhen(signal)))
                .isSameAs(UPSTREAM);
        signal.assertStoppedIfStarted();
    }
}
