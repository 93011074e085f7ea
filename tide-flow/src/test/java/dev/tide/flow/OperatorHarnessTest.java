package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The harness must pass correct operators and catch broken ones. */
class OperatorHarnessTest {

    @TestFactory
    Stream<DynamicTest> aCorrectOperatorPasses() {
        return OperatorHarness.<Integer, Integer>operator("map", up -> up.map(i -> i * 2))
                .emits("doubles", List.of(1, 2, 3), List.of(2, 4, 6))
                .fails("upstream fails after one", OperatorHarness.failingAfter(List.of(5), new IllegalStateException()),
                        List.of(10), IllegalStateException.class)
                .userFunctionFailure(up -> up.map(i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), null)
                .earlyCancelPulls(1)
                .tests();
    }

    /** Runs every dynamic test and returns the names of those that failed. */
    private static List<String> failures(Stream<DynamicTest> tests) {
        List<String> failed = new ArrayList<>();
        tests.forEach(test -> {
            try {
                test.getExecutable().execute();
            } catch (Throwable t) {
                failed.add(test.getDisplayName());
            }
        });
        return failed;
    }

    @Test
    void wrongOrderIsCaught() {
        List<String> failed = failures(OperatorHarness.<Integer, Integer>operator("reverse", up -> emitter -> {
            List<Integer> all = up.toList();
            for (int i = all.size() - 1; i >= 0; i--) {
                emitter.emit(all.get(i));
            }
        }).emits("in order", List.of(1, 2), List.of(1, 2)).tests());
        assertThat(failed).contains("reverse — scenario: in order");
    }

    @Test
    void stateInAFieldIsCaughtByCollectingTwice() {
        AtomicInteger shared = new AtomicInteger();
        List<String> failed = failures(OperatorHarness.<Integer, Integer>operator("indexed",
                up -> up.map(i -> shared.incrementAndGet())).emits("indices", List.of(7, 7), List.of(1, 2)).tests());
        assertThat(failed).contains("indexed — collected twice: indices");
    }

    @Test
    void wrappingTheUserExceptionIsCaught() {
        List<String> failed = failures(OperatorHarness.<Integer, Integer>operator("wrapping",
                        up -> emitter -> {
                            try {
                                up.collect(emitter);
                            } catch (RuntimeException e) {
                                throw new FlowException(FlowException.Kind.ILLEGAL_STATE, "wrapped", e);
                            }
                        })
                .emits("same", List.of(1), List.of(1))
                .userFunctionFailure(up -> emitter -> {
                    try {
                        up.<Integer>map(i -> {
                            throw new OperatorHarness.Boom();
                        }).collect(emitter);
                    } catch (RuntimeException e) {
                        throw new FlowException(FlowException.Kind.ILLEGAL_STATE, "wrapped", e);
                    }
                }, List.of(1), null)
                .tests());
        assertThat(failed).contains("wrapping — user function failure reaches the terminal unchanged",
                "wrapping — upstream error passes through unchanged");
    }

    @Test
    void aMissingStageNameIsCaught() {
        List<String> failed = failures(OperatorHarness.<Integer, Integer>operator("anonymous", up -> up)
                .emits("same", List.of(1), List.of(1))
                .userFunctionFailure(up -> emitter -> {
                    throw new OperatorHarness.Boom();
                }, List.of(1), "anonymous")
                .tests());
        assertThat(failed).containsExactly("anonymous — user function failure reaches the terminal unchanged");
    }

    @Test
    void aLeakedThreadIsCaught() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        List<String> failed = failures(OperatorHarness.<Integer, Integer>operator("leaky", up -> emitter -> {
            started.add(FlowThreads.start("leak", () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            up.collect(emitter);
        }).emits("same", List.of(1), List.of(1)).tests());
        release.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        assertThat(failed).contains("leaky — scenario: same", "leaky — empty input", "leaky — early cancellation by take(1) downstream");
    }

    @Test
    void pullingTooMuchIsCaught() {
        List<String> failed = failures(OperatorHarness.<Integer, Integer>operator("greedy", up -> emitter -> {
            List<Integer> all = up.toList();
            for (Integer i : all) {
                emitter.emit(i);
            }
        }).emits("same", List.of(1, 2, 3), List.of(1, 2, 3)).earlyCancelPulls(1).tests());
        assertThat(failed).containsExactly("greedy — early cancellation by take(1) downstream");
    }

    @Test
    void aSourceLeftOpenIsCaught() {
        // an operator that swallows the early-stop signal keeps pulling after take(1) had enough
        List<String> failed = failures(OperatorHarness.<Integer, Integer>operator("swallowing", up -> emitter ->
                up.collect(value -> {
                    try {
                        emitter.emit(value);
                    } catch (RuntimeException ignored) {
                        // the bug under test
                    }
                })).emits("same", List.of(1, 2), List.of(1, 2)).earlyCancelPulls(1).tests());
        assertThat(failed).containsExactly("swallowing — early cancellation by take(1) downstream");
    }
}
