package dev.tide.flow;

import static dev.tide.flow.Timeline.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class DebounceTest {

    private final VirtualScheduler vs = Scheduler.virtual();

    @TestFactory
    Stream<DynamicTest> debounce() {
        return OperatorHarness.<Integer, String>operator("debounce",
                        up -> Timeline.stamped(up.debounce(ms(20), vs), vs))
                .emits("the last element of each burst, quiet time after it",
                        Timeline.<Integer>on(vs).at(0, 1).at(5, 2).at(10, 3).at(40, 4).at(45, 5).end(100),
                        List.of("30:3", "65:5"))
                .emits("the pending element is flushed at completion",
                        Timeline.<Integer>on(vs).at(0, 1).at(5, 2).end(10), List.of("10:2"))
                .emits("an element arriving exactly when the quiet time ends does not cancel the pending one",
                        Timeline.<Integer>on(vs).at(0, 1).at(20, 2).end(100), List.of("20:1", "40:2"))
                .emits("elements all at once: the last, at completion", List.of(1, 2, 3), List.of("0:3"))
                .fails("a failure drops the pending element",
                        Timeline.<Integer>on(vs).at(0, 1).at(30, 2).failAt(35, new IllegalStateException("x")),
                        List.of("20:1"), IllegalStateException.class)
                .tests();
    }

    @Test
    void oneHelperThreadPerCollectionNotOnePerElement() {
        Timeline<Integer> timeline = Timeline.on(vs);
        long at = 0;
        for (int i = 0; i < 200; i++) {
            at += i % 3 == 0 ? 30 : 1;
            timeline.at(at, i);
        }
        AtomicInteger maxHelpers = new AtomicInteger();
        List<Integer> out = timeline.end(10_000).debounce(ms(20), vs)
                .map(v -> {
                    long helpers = FlowThreads.live().stream()
                            .filter(t -> t.getName().startsWith("tide-flow-debounce-")).count();
                    maxHelpers.accumulateAndGet((int) helpers, Math::max);
                    return v;
                })
                .toList();
        assertThat(out).isNotEmpty();
        assertThat(maxHelpers.get()).isEqualTo(1);
    }

    @Test
    void onTheSystemClockTheLastElementIsFlushedAtCompletion() {
        assertThat(Flow.of(1, 2, 3).debounce(java.time.Duration.ofMinutes(1)).toList()).containsExactly(3);
        assertThat(Flow.of(1, 2, 3).sample(java.time.Duration.ofMinutes(1)).toList()).containsExactly(3);
        assertThat(Flow.of(1, 2, 3).chunk(2, java.time.Duration.ofMinutes(1)).toList())
                .containsExactly(List.of(1, 2), List.of(3));
        assertThat(Flow.of(1, 2).delay(java.time.Duration.ZERO).toList()).containsExactly(1, 2);
    }

    @Test
    void anInterruptedCollectorFailsWithInterruptedAndStillJoinsTheHelper() throws InterruptedException {
        Timeline<Integer> timeline = Timeline.<Integer>on(Scheduler.system()).at(0, 1);
        Flow<Integer> stalled = timeline.never();
        Throwable[] thrown = new Throwable[1];
        java.util.Set<Thread> before = FlowThreads.live();
        Thread collector = Thread.ofVirtual().start(() -> {
            try {
                stalled.debounce(ms(1)).forEach(v -> { });
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        org.awaitility.Awaitility.await().until(() -> timeline.finallyRan.get() == 0
                && collector.getState() == Thread.State.WAITING);
        collector.interrupt();
        collector.join();
        assertThat(thrown[0]).isInstanceOf(FlowException.class)
                .satisfies(e -> assertThat(((FlowException) e).kind()).isEqualTo(FlowException.Kind.INTERRUPTED));
        assertThat(timeline.finallyRan).hasValue(1);
        java.util.Set<Thread> leaked = new java.util.HashSet<>(FlowThreads.live());
        leaked.removeAll(before);
        assertThat(leaked).isEmpty();
    }

    @Test
    void stoppingEarlyUnwindsTheUpstreamBeforeTheTerminalReturns() {
        Timeline<Integer> timeline = Timeline.<Integer>on(vs).at(0, 1).at(50, 2);
        Flow<Integer> endless = timeline.never();
        assertThat(endless.debounce(ms(20), vs).take(1).toList()).containsExactly(1);
        assertThat(timeline.finallyRan).hasValue(1);
    }
}
