package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** recover and onErrorResume. */
class RecoverTest {

    private static final IllegalStateException FAILURE = new IllegalStateException("upstream failed");

    @TestFactory
    Stream<DynamicTest> recover() {
        return OperatorHarness.<Integer, Integer>operator("recover", up -> up.recover(e -> -1))
                .emits("no failure: unchanged", List.of(1, 2, 3), List.of(1, 2, 3))
                .emits("a failure becomes the last element", OperatorHarness.failingAfter(List.of(1, 2), FAILURE),
                        List.of(1, 2, -1))
                .fails("an Error is not recovered", OperatorHarness.failingAfter(List.of(1), new AssertionError("e")),
                        List.of(1), AssertionError.class)
                .whenEmpty(List.of())
                .upstreamErrorHandled()
                .userFunctionFailure(up -> up.<Integer>map(i -> {
                    throw new IllegalArgumentException("bad " + i);
                }).recover(e -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "recover")
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> recoverByType() {
        return OperatorHarness.<Integer, Integer>operator("recover(type)",
                        up -> up.recover(IllegalArgumentException.class, e -> e.getMessage().length()))
                .emits("a matching failure is recovered",
                        OperatorHarness.failingAfter(List.of(1), new IllegalArgumentException("four")), List.of(1, 4))
                .fails("another failure passes unchanged", OperatorHarness.failingAfter(List.of(1), FAILURE),
                        List.of(1), IllegalStateException.class, e -> e == FAILURE)
                .emits("no failure", List.of(5), List.of(5))
                .tests();
    }

    @Test
    void aDownstreamFailureIsNeverRecovered() {
        AtomicInteger fallbackCalls = new AtomicInteger();
        Flow<Integer> flow = Flow.of(1, 2, 3).recover(e -> {
            fallbackCalls.incrementAndGet();
            return -1;
        }).map(i -> {
            if (i == 2) {
                throw new IllegalArgumentException("downstream");
            }
            return i;
        });
        assertThatThrownBy(flow::toList).isInstanceOf(IllegalArgumentException.class).hasMessage("downstream");
        assertThat(fallbackCalls).hasValue(0);
    }

    @Test
    void anUpstreamThatWrapsADownstreamFailureIsStillNotRecovered() {
        Flow<Integer> wrapping = emitter -> {
            try {
                emitter.emit(1);
            } catch (RuntimeException e) {
                throw new IllegalStateException("wrapped", e);
            }
        };
        Flow<Integer> flow = wrapping.recover(e -> -1).map(i -> {
            throw new IllegalArgumentException("downstream");
        });
        assertThatThrownBy(flow::toList).isInstanceOf(IllegalStateException.class).hasMessage("wrapped");
    }

    @Test
    void theEarlyStopSignalOfTakeIsNotRecovered() {
        AtomicInteger fallbackCalls = new AtomicInteger();
        List<Integer> firstTwo = Flow.iterate(1, i -> i + 1).recover(e -> {
            fallbackCalls.incrementAndGet();
            return -1;
        }).take(2).toList();
        assertThat(firstTwo).containsExactly(1, 2);
        assertThat(fallbackCalls).hasValue(0);
    }

    @Test
    void aFailingFallbackKeepsTheOriginalAsSuppressed() {
        assertThatThrownBy(() -> OperatorHarness.<Integer>failingAfter(List.of(), FAILURE).recover(e -> {
            throw new IllegalArgumentException("fallback");
        }).toList()).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).contains(FAILURE));
    }

    @Test
    void interruptionsAreNotRecovered() {
        Flow<Integer> interrupted = emitter -> {
            throw new InterruptedException("cancelled");
        };
        assertThatThrownBy(() -> interrupted.recover(e -> -1).toList())
                .isInstanceOf(FlowException.class)
                .satisfies(e -> assertThat(((FlowException) e).kind()).isEqualTo(FlowException.Kind.INTERRUPTED));
        assertThat(Thread.interrupted()).as("flag restored by the terminal").isTrue();
    }

    @TestFactory
    Stream<DynamicTest> onErrorResume() {
        return OperatorHarness.<Integer, Integer>operator("onErrorResume",
                        up -> up.onErrorResume(e -> Flow.of(10, 11)))
                .emits("no failure: unchanged", List.of(1, 2), List.of(1, 2))
                .emits("continues with the fallback for good", OperatorHarness.failingAfter(List.of(1, 2), FAILURE),
                        List.of(1, 2, 10, 11))
                .upstreamErrorHandled()
                .userFunctionFailure(up -> up.<Integer>map(i -> {
                    throw new IllegalArgumentException("bad");
                }).onErrorResume(e -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "onErrorResume")
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> onErrorResumeWithAFailingFallback() {
        IllegalArgumentException second = new IllegalArgumentException("fallback failed");
        return OperatorHarness.<Integer, Integer>operator("onErrorResume (failing fallback)",
                        up -> up.onErrorResume(IllegalStateException.class,
                                e -> OperatorHarness.failingAfter(List.of(10), second)))
                .fails("the fallback's failure is not handled again",
                        OperatorHarness.failingAfter(List.of(1), FAILURE), List.of(1, 10),
                        IllegalArgumentException.class, e -> e == second)
                .fails("a failure of another type is not handled",
                        OperatorHarness.failingAfter(List.of(1), new UnsupportedOperationException()), List.of(1),
                        UnsupportedOperationException.class)
                .emits("no failure", List.of(1), List.of(1))
                .upstreamErrorHandled()
                .tests();
    }

    @Test
    void aFallbackFlowStoppedEarlyIsCancelledToo() {
        Flow<Integer> endlessFallback = Flow.iterate(100, i -> i + 1);
        assertThat(OperatorHarness.<Integer>failingAfter(List.of(1), FAILURE).onErrorResume(e -> endlessFallback)
                .take(3).toList()).containsExactly(1, 100, 101);
    }
}
