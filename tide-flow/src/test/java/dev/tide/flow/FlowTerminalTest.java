package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FlowTerminalTest {

    private static final IllegalStateException UPSTREAM = new IllegalStateException("upstream");

    @Test
    void toListNeverTruncates() {
        // RS2's collect stops silently at 1,048,576 items
        int n = 1_048_576 + 3;
        List<Integer> all = Flow.range(0, n).toList();
        assertThat(all).hasSize(n);
        assertThat(all.get(n - 1)).isEqualTo(n - 1);
    }

    @Test
    void toSetKeepsFirstSeenOrder() {
        assertThat(Flow.of("b", "a", "b", "c").toSet()).containsExactly("b", "a", "c");
        assertThat(Flow.empty().toSet()).isEmpty();
    }

    @Test
    void collectWithACollector() {
        Map<Integer, List<String>> byLength = Flow.of("a", "bb", "c", "ddd")
                .collect(Collectors.groupingBy(String::length));
        assertThat(byLength).containsExactly(Map.entry(1, List.of("a", "c")), Map.entry(2, List.of("bb")),
                Map.entry(3, List.of("ddd")));
        assertThat(Flow.of(1, 2, 3).collect(Collectors.toList())).containsExactly(1, 2, 3);
        assertThat(Flow.range(0, 1_100_000).collect(Collectors.counting())).isEqualTo(1_100_000L);
        assertThat(Flow.<String>empty().collect(Collectors.joining(","))).isEmpty();
    }

    @Test
    void fold() {
        assertThat(Flow.of(1, 2, 3).fold("", (acc, i) -> acc + i)).isEqualTo("123");
        assertThat(Flow.<Integer>empty().fold(7, Integer::sum)).isEqualTo(7);
    }

    @Test
    void reduce() {
        assertThat(Flow.of(1, 2, 3, 4).reduce((a, b) -> a * 10 + b)).contains(1234);
        assertThat(Flow.of(5).reduce(Integer::sum)).contains(5);
        assertThat(Flow.<Integer>empty().reduce(Integer::sum)).isEmpty();
        assertThatThrownBy(() -> Flow.of(1, 2).reduce((a, b) -> null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void forEachInOrderOnTheCallingThread() {
        List<String> seen = new ArrayList<>();
        Thread caller = Thread.currentThread();
        Flow.of(1, 2, 3).forEach(i -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            seen.add("e" + i);
        });
        assertThat(seen).containsExactly("e1", "e2", "e3");
    }

    @Test
    void count() {
        assertThat(Flow.range(0, 10).count()).isEqualTo(10);
        assertThat(Flow.empty().count()).isZero();
    }

    @Test
    void firstStopsUpstream() {
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
        assertThat(endless.first()).contains(1);
        assertThat(pulled).hasValue(1);
        assertThat(closed).isTrue();
        assertThat(Flow.empty().first()).isEmpty();
    }

    @Test
    void last() {
        assertThat(Flow.of(1, 2, 3).last()).contains(3);
        assertThat(Flow.empty().last()).isEqualTo(Optional.empty());
    }

    @Test
    void drainToWritesEverythingThenFlushesOnce() {
        List<String> events = new ArrayList<>();
        Sink<Integer> sink = new Sink<>() {
            @Override
            public void write(Integer item) {
                events.add("write " + item);
            }

            @Override
            public void flush() {
                events.add("flush");
            }
        };
        assertThat(Flow.of(1, 2).drainTo(sink)).isEqualTo(2);
        assertThat(events).containsExactly("write 1", "write 2", "flush");
    }

    @Test
    void terminalsPassUncheckedFailuresThroughUnchanged() {
        Flow<Integer> failing = OperatorHarness.failingAfter(List.of(1), UPSTREAM);
        assertThatThrownBy(failing::toList).isSameAs(UPSTREAM);
        assertThatThrownBy(failing::toSet).isSameAs(UPSTREAM);
        assertThatThrownBy(() -> failing.collect(Collectors.toList())).isSameAs(UPSTREAM);
        assertThatThrownBy(() -> failing.reduce(Integer::sum)).isSameAs(UPSTREAM);
        assertThatThrownBy(failing::last).isSameAs(UPSTREAM);
        assertThatThrownBy(failing::count).isSameAs(UPSTREAM);
        assertThatThrownBy(() -> failing.fold(0, Integer::sum)).isSameAs(UPSTREAM);
    }

    @Test
    void terminalsWrapCheckedFailures() {
        Exception checked = new Exception("checked");
        Flow<Integer> failing = OperatorHarness.failingAfter(List.of(), checked);
        assertThatThrownBy(failing::last).isInstanceOf(FlowException.class).hasCauseReference(checked);
        assertThatThrownBy(failing::toSet).isInstanceOf(FlowException.class).hasCauseReference(checked);
    }
}
