package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Exact-sequence scenarios for the element-wise transformations, run through the operator harness. */
class FlowTransformTest {

    private static final IllegalStateException UPSTREAM = new IllegalStateException("upstream");

    @TestFactory
    Stream<DynamicTest> map() {
        return OperatorHarness.<Integer, String>operator("map", up -> up.map(i -> "v" + i))
                .emits("every element, in order", List.of(3, 1, 2), List.of("v3", "v1", "v2"))
                .fails("upstream fails after two", OperatorHarness.failingAfter(List.of(1, 2), UPSTREAM),
                        List.of("v1", "v2"), IllegalStateException.class, e -> e == UPSTREAM)
                .userFunctionFailure(up -> up.map(i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "map")
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> mapReturningNull() {
        return OperatorHarness.<Integer, String>operator("map returning null",
                        up -> up.map(i -> i == 2 ? null : "v" + i))
                .fails("null for the second element", List.of(1, 2, 3), List.of("v1"), NullPointerException.class)
                .earlyCancelInput(List.of(1, 2, 3))
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> filter() {
        return OperatorHarness.<Integer, Integer>operator("filter", up -> up.filter(i -> i % 2 == 0))
                .emits("keeps the even ones in order", List.of(4, 1, 2, 3, 6), List.of(4, 2, 6))
                .emits("none pass", List.of(1, 3), List.of())
                .userFunctionFailure(up -> up.filter(i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "filter")
                .earlyCancelInput(List.of(1, 2, 3))
                .earlyCancelPulls(2)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> flatMap() {
        return OperatorHarness.<Integer, String>operator("flatMap",
                        up -> up.flatMap(i -> Flow.range(0, i).map(j -> i + "." + j)))
                .emits("inner flows in order, each drained first", List.of(2, 0, 3),
                        List.of("2.0", "2.1", "3.0", "3.1", "3.2"))
                .userFunctionFailure(up -> up.flatMap(i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "flatMap")
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> flatMapWithAFailingInnerFlow() {
        return OperatorHarness.<Integer, String>operator("flatMap, inner failure",
                        up -> up.flatMap(i -> i == 2 ? OperatorHarness.failingAfter(List.of("x"), UPSTREAM)
                                : Flow.of("v" + i)))
                .fails("the second inner flow fails after one element", List.of(1, 2, 3), List.of("v1", "x"),
                        IllegalStateException.class)
                .earlyCancelInput(List.of(1, 2))
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> concatMap() {
        return OperatorHarness.<Integer, Integer>operator("concatMap", up -> up.concatMap(i -> Flow.of(i, -i)))
                .emits("each inner flow in turn", List.of(1, 2), List.of(1, -1, 2, -2))
                .userFunctionFailure(up -> up.concatMap(i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "concatMap")
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> mapNotNull() {
        return OperatorHarness.<Integer, String>operator("mapNotNull",
                        up -> up.mapNotNull(i -> i % 3 == 0 ? null : "v" + i))
                .emits("drops the nulls", List.of(1, 3, 4, 6, 7), List.of("v1", "v4", "v7"))
                .userFunctionFailure(up -> up.mapNotNull(i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "mapNotNull")
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> take() {
        return OperatorHarness.<Integer, Integer>operator("take", up -> up.take(2))
                .emits("the first two", List.of(5, 6, 7, 8), List.of(5, 6))
                .emits("fewer than two", List.of(5), List.of(5))
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> takeWhile() {
        return OperatorHarness.<Integer, Integer>operator("takeWhile", up -> up.takeWhile(i -> i < 3))
                .emits("stops at the first failing element, which is dropped", List.of(1, 2, 3, 1, 2), List.of(1, 2))
                .emits("all pass", List.of(1, 2), List.of(1, 2))
                .emits("the first fails", List.of(5, 1), List.of())
                .userFunctionFailure(up -> up.takeWhile(i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "takeWhile")
                .earlyCancelPulls(1)
                .tests();
    }

    @Test
    void takeWhileStopsAnEndlessUpstream() {
        AtomicInteger pulled = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        Flow<Integer> endless = emitter -> {
            try {
                for (int i = 1; ; i++) {
                    pulled.incrementAndGet();
                    emitter.emit(i);
                }
            } finally {
                closed.set(true);
            }
        };
        assertThat(endless.takeWhile(i -> i < 3).toList()).containsExactly(1, 2);
        assertThat(pulled).hasValue(3);
        assertThat(closed).isTrue();
    }

    @TestFactory
    Stream<DynamicTest> skip() {
        return OperatorHarness.<Integer, Integer>operator("skip", up -> up.skip(2))
                .emits("drops the first two", List.of(1, 2, 3, 4), List.of(3, 4))
                .emits("fewer than two", List.of(1), List.of())
                .earlyCancelPulls(3)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> dropWhile() {
        return OperatorHarness.<Integer, Integer>operator("dropWhile", up -> up.dropWhile(i -> i < 3))
                .emits("emits from the first failing element on, without testing again", List.of(1, 2, 3, 1, 4),
                        List.of(3, 1, 4))
                .emits("all dropped", List.of(1, 2), List.of())
                .userFunctionFailure(up -> up.dropWhile(i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "dropWhile")
                .earlyCancelPulls(3)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> distinct() {
        return OperatorHarness.<String, String>operator("distinct", Flow::distinct)
                .emits("first occurrences, in order", List.of("b", "a", "b", "c", "a"), List.of("b", "a", "c"))
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> distinctBy() {
        return OperatorHarness.<String, String>operator("distinctBy", up -> up.distinctBy(String::length))
                .emits("one element per length, the first one", List.of("a", "bb", "c", "dd", "eee"),
                        List.of("a", "bb", "eee"))
                .userFunctionFailure(up -> up.distinctBy(s -> {
                    throw new OperatorHarness.Boom();
                }), List.of("a"), "distinctBy")
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> distinctUntilChanged() {
        return OperatorHarness.<Integer, Integer>operator("distinctUntilChanged", Flow::distinctUntilChanged)
                .emits("drops consecutive repeats only", List.of(1, 1, 2, 2, 2, 1, 3, 3), List.of(1, 2, 1, 3))
                .emits("single element", List.of(7), List.of(7))
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> distinctUntilChangedWithEquality() {
        // compares with the last *emitted* element: 1, 2 (|2-1| <= 1 → dropped), 3 (|3-1| > 1 → emitted)
        return OperatorHarness.<Integer, Integer>operator("distinctUntilChanged(equality)",
                        up -> up.distinctUntilChanged((a, b) -> Math.abs(a - b) <= 1))
                .emits("against the last emitted element", List.of(1, 2, 3, 4, 10), List.of(1, 3, 10))
                .userFunctionFailure(up -> up.distinctUntilChanged((a, b) -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1, 2), "distinctUntilChanged")
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> distinctUntilChangedBy() {
        return OperatorHarness.<String, String>operator("distinctUntilChangedBy",
                        up -> up.distinctUntilChangedBy(String::length))
                .emits("by key", List.of("a", "b", "cc", "dd", "e"), List.of("a", "cc", "e"))
                .userFunctionFailure(up -> up.distinctUntilChangedBy(s -> {
                    throw new OperatorHarness.Boom();
                }), List.of("a"), "distinctUntilChangedBy")
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> scan() {
        return OperatorHarness.<Integer, Integer>operator("scan", up -> up.scan(0, Integer::sum))
                .emits("the initial value, then every running sum", List.of(1, 2, 3), List.of(0, 1, 3, 6))
                .fails("upstream fails", OperatorHarness.failingAfter(List.of(5), UPSTREAM), List.of(0, 5),
                        IllegalStateException.class, e -> e == UPSTREAM)
                .whenEmpty(List.of(0))
                .userFunctionFailure(up -> up.scan(0, (a, b) -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "scan")
                .earlyCancelPulls(0)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> zipWithIndex() {
        return OperatorHarness.<String, Indexed<String>>operator("zipWithIndex", Flow::zipWithIndex)
                .emits("positions from zero", List.of("a", "b", "c"),
                        List.of(new Indexed<>(0, "a"), new Indexed<>(1, "b"), new Indexed<>(2, "c")))
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> onEach() {
        return OperatorHarness.<Integer, Integer>operator("onEach", up -> up.onEach(i -> { }).map(i -> i * 10))
                .emits("elements unchanged", List.of(1, 2), List.of(10, 20))
                .userFunctionFailure(up -> up.onEach(i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(1), "onEach")
                .earlyCancelPulls(1)
                .tests();
    }

    @Test
    void onEachRunsTheActionBeforeTheElementGoesDownstream() {
        List<String> events = new ArrayList<>();
        Flow.of(1, 2).onEach(i -> events.add("action " + i)).forEach(i -> events.add("downstream " + i));
        assertThat(events).containsExactly("action 1", "downstream 1", "action 2", "downstream 2");
    }

    @Test
    void misuseFailsFastWithTheBadValue() {
        assertThatThrownBy(() -> Flow.of(1).skip(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> Flow.of(1).take(-2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-2");
        assertThatThrownBy(() -> Flow.of(1).map(null)).isInstanceOf(NullPointerException.class);
    }
}
