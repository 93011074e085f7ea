package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class FlowGroupingTest {

    private static final IllegalStateException UPSTREAM = new IllegalStateException("upstream");

    @TestFactory
    Stream<DynamicTest> chunk() {
        return OperatorHarness.<Integer, List<Integer>>operator("chunk", up -> up.chunk(2))
                .emits("even", List.of(1, 2, 3, 4), List.of(List.of(1, 2), List.of(3, 4)))
                .emits("uneven: the partial chunk at completion", List.of(1, 2, 3), List.of(List.of(1, 2), List.of(3)))
                .fails("upstream fails: the partial chunk is not emitted",
                        OperatorHarness.failingAfter(List.of(1, 2, 3), UPSTREAM), List.of(List.of(1, 2)),
                        IllegalStateException.class, e -> e == UPSTREAM)
                .earlyCancelPulls(2)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> groupAdjacentBy() {
        return OperatorHarness.<Integer, Pair<Integer, List<Integer>>>operator("groupAdjacentBy",
                        up -> up.groupAdjacentBy(i -> i % 2))
                .emits("runs, not a global group-by", List.of(1, 1, 2, 2, 3, 3, 2, 1),
                        List.of(Pair.of(1, List.of(1, 1)), Pair.of(0, List.of(2, 2)), Pair.of(1, List.of(3, 3)),
                                Pair.of(0, List.of(2)), Pair.of(1, List.of(1))))
                .emits("one run", List.of(5, 7), List.of(Pair.of(1, List.of(5, 7))))
                .userFunctionFailure(up -> up.groupAdjacentBy(i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "groupAdjacentBy")
                .earlyCancelPulls(3)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> slidingWindow() {
        return OperatorHarness.<Integer, List<Integer>>operator("slidingWindow(3)", up -> up.slidingWindow(3))
                .emits("step 1", List.of(1, 2, 3, 4, 5), List.of(List.of(1, 2, 3), List.of(2, 3, 4), List.of(3, 4, 5)))
                .emits("fewer than size: nothing", List.of(1, 2), List.of())
                .earlyCancelPulls(3)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> slidingWindowWithStep() {
        return OperatorHarness.<Integer, List<Integer>>operator("slidingWindow(3, 2)", up -> up.slidingWindow(3, 2))
                .emits("overlapping by one, trailing partial window dropped", List.of(1, 2, 3, 4, 5, 6),
                        List.of(List.of(1, 2, 3), List.of(3, 4, 5)))
                .emits("exactly two windows", List.of(1, 2, 3, 4, 5), List.of(List.of(1, 2, 3), List.of(3, 4, 5)))
                .earlyCancelPulls(3)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> slidingWindowWithAStepLargerThanTheSize() {
        return OperatorHarness.<Integer, List<Integer>>operator("slidingWindow(2, 3)", up -> up.slidingWindow(2, 3))
                .emits("elements between windows are skipped", List.of(1, 2, 3, 4, 5, 6, 7, 8),
                        List.of(List.of(1, 2), List.of(4, 5), List.of(7, 8)))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> tumblingWindowIsAChunkWithoutThePartialOne() {
        return OperatorHarness.<Integer, List<Integer>>operator("slidingWindow(2, 2)", up -> up.slidingWindow(2, 2))
                .emits("tumbling", List.of(1, 2, 3, 4, 5), List.of(List.of(1, 2), List.of(3, 4)))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> batchProcess() {
        return OperatorHarness.<Integer, Integer>operator("batchProcess",
                        up -> up.batchProcess(2, batch -> List.of(batch.stream().mapToInt(Integer::intValue).sum())))
                .emits("sums of pairs", List.of(1, 2, 3, 4, 5, 6), List.of(3, 7, 11))
                .emits("the last, partial batch is processed", List.of(1, 2, 3, 4, 5), List.of(3, 7, 5))
                .userFunctionFailure(up -> up.batchProcess(2, batch -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1, 2), "batchProcess")
                .earlyCancelPulls(2)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> batchProcessEmittingSeveralResultsPerBatch() {
        return OperatorHarness.<Integer, String>operator("batchProcess, many per batch",
                        up -> up.batchProcess(3, batch -> batch.stream().map(i -> i + "/" + batch.size()).toList()))
                .emits("results in order", List.of(1, 2, 3, 4), List.of("1/3", "2/3", "3/3", "4/1"))
                .tests();
    }

    @Test
    void sizesMustBePositive() {
        assertThatThrownBy(() -> Flow.of(1).chunk(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> Flow.of(1).slidingWindow(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flow.of(1).slidingWindow(2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flow.of(1).batchProcess(-1, b -> b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
