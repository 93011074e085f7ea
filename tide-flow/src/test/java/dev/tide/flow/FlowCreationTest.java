package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The sources: exact sequences, re-collection, early stop. */
class FlowCreationTest {

    @TestFactory
    Stream<DynamicTest> of() {
        return OperatorHarness.<String>source("of")
                .emits("the elements in order", Flow.of("b", "a", "c"), List.of("b", "a", "c"))
                .emits("no elements", Flow.<String>of(), List.of())
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> empty() {
        return OperatorHarness.<String>source("empty")
                .emits("nothing", Flow.<String>empty(), List.of())
                .emits("nothing, then something", Flow.<String>empty().concatWith(Flow.of("x")), List.of("x"))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> fromIterable() {
        return OperatorHarness.<Integer>source("fromIterable")
                .emits("a fresh iterator per collection", Flow.fromIterable(List.of(1, 2, 3)), List.of(1, 2, 3))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> fromStreamSupplier() {
        return OperatorHarness.<Integer>source("fromStream(supplier)")
                .emits("a fresh stream per collection", Flow.fromStream(() -> Stream.of(4, 5, 6)), List.of(4, 5, 6))
                .userFunctionFailure(up -> Flow.<Integer>fromStream(() -> {
                    throw new OperatorHarness.Boom();
                }), List.of(), "fromStream")
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> fromCallable() {
        return OperatorHarness.<String>source("fromCallable")
                .emits("the result", Flow.fromCallable(() -> "r"), List.of("r"))
                .fails("a null result", Flow.<String>fromCallable(() -> null), List.of(), NullPointerException.class)
                .userFunctionFailure(up -> Flow.<String>fromCallable(() -> {
                    throw new OperatorHarness.Boom();
                }), List.of(), "fromCallable")
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> repeat() {
        return OperatorHarness.<String>source("repeat")
                .emits("endless, limited by take", Flow.repeat("x").take(3), List.of("x", "x", "x"))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> generate() {
        return OperatorHarness.<Integer>source("generate")
                .emits("a supplier call per element, per-run state in a fresh counter", Flow.fromCallable(AtomicInteger::new)
                        .flatMap(counter -> Flow.generate(counter::incrementAndGet).take(4)), List.of(1, 2, 3, 4))
                .userFunctionFailure(up -> Flow.<Integer>generate(() -> {
                    throw new OperatorHarness.Boom();
                }), List.of(), "generate")
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> unfold() {
        return OperatorHarness.<Long>source("unfold")
                .emits("fibonacci from a state pair", Flow.unfold(new long[] {0, 1},
                                s -> Optional.of(Pair.of(s[0], new long[] {s[1], s[0] + s[1]}))).take(7),
                        List.of(0L, 1L, 1L, 2L, 3L, 5L, 8L))
                .emits("ends on empty", Flow.unfold(3L, n -> n == 0 ? Optional.empty() : Optional.of(Pair.of(n, n - 1))),
                        List.of(3L, 2L, 1L))
                .userFunctionFailure(up -> Flow.<Long, Long>unfold(1L, n -> {
                    throw new OperatorHarness.Boom();
                }), List.of(), "unfold")
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> iterate() {
        return OperatorHarness.<Integer>source("iterate")
                .emits("endless", Flow.iterate(1, i -> i * 2).take(5), List.of(1, 2, 4, 8, 16))
                .emits("while hasNext holds", Flow.iterate(1, i -> i < 20, i -> i * 3), List.of(1, 3, 9))
                .emits("hasNext fails the seed", Flow.iterate(100, i -> i < 20, i -> i * 3), List.of())
                .userFunctionFailure(up -> Flow.iterate(1, i -> {
                    throw new OperatorHarness.Boom();
                }), List.of(), "iterate")
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> range() {
        return OperatorHarness.<Integer>source("range")
                .emits("start inclusive, end exclusive", Flow.range(-1, 3), List.of(-1, 0, 1, 2))
                .emits("empty when end <= start", Flow.range(3, 3), List.of())
                .emits("empty when end < start", Flow.range(5, 1), List.of())
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> rangeOfLongs() {
        return OperatorHarness.<Long>source("range(long)")
                .emits("beyond int", Flow.range(Integer.MAX_VALUE + 1L, Integer.MAX_VALUE + 3L),
                        List.of(Integer.MAX_VALUE + 1L, Integer.MAX_VALUE + 2L))
                .tests();
    }

    @Test
    void aStreamInstanceIsSingleUseAndClosedEvenOnEarlyStop() {
        AtomicInteger closed = new AtomicInteger();
        Flow<Integer> flow = Flow.fromStream(Stream.of(1, 2, 3).onClose(closed::incrementAndGet));
        assertThat(flow.take(1).toList()).containsExactly(1);
        assertThat(closed).hasValue(1);
        assertThatThrownBy(flow::toList).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("collected once");
        assertThat(closed).hasValue(1);
    }

    @Test
    void aStreamPerCollectionIsClosedEveryTime() {
        AtomicInteger closed = new AtomicInteger();
        Flow<Integer> flow = Flow.fromStream(() -> Stream.of(1, 2).onClose(closed::incrementAndGet));
        assertThat(flow.toList()).containsExactly(1, 2);
        assertThat(flow.toList()).containsExactly(1, 2);
        assertThat(closed).hasValue(2);
    }

    @Test
    void anIteratorIsSingleUse() {
        Iterator<String> it = List.of("a", "b").iterator();
        Flow<String> flow = Flow.fromIterator(it);
        assertThat(flow.toList()).containsExactly("a", "b");
        assertThatThrownBy(flow::toList).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCheckedExceptionFromACallableReachesTheTerminalAsItsCause() {
        IOException io = new IOException("disk");
        Flow<String> flow = Flow.fromCallable(() -> {
            throw io;
        });
        assertThatThrownBy(flow::toList).isInstanceOf(FlowException.class)
                .satisfies(e -> assertThat(((FlowException) e).kind()).isEqualTo(FlowException.Kind.CHECKED))
                .hasCauseReference(io);
    }

    @Test
    void theCallableRunsOnEveryCollectionNotAtAssembly() {
        AtomicInteger calls = new AtomicInteger();
        Flow<Integer> flow = Flow.fromCallable(calls::incrementAndGet);
        assertThat(calls).hasValue(0);
        assertThat(flow.toList()).containsExactly(1);
        assertThat(flow.toList()).containsExactly(2);
    }

    @Test
    void anEndlessSourceStopsWhenTheCollectingThreadIsInterrupted() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        Thread collector = Thread.ofVirtual().start(() -> {
            try {
                Flow.repeat(1).forEach(i -> running.countDown());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        running.await();
        collector.interrupt();
        collector.join();
        assertThat(thrown.get()).isInstanceOf(FlowException.class);
        assertThat(((FlowException) thrown.get()).kind()).isEqualTo(FlowException.Kind.INTERRUPTED);
    }

    @Test
    void nullElementsAreRejected() {
        assertThatThrownBy(() -> Flow.of("a", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Flow.repeat(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Flow.fromIterable(java.util.Arrays.asList("a", null)).toList())
                .isInstanceOf(NullPointerException.class);
    }
}
