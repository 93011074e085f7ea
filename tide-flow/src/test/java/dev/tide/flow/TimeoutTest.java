package dev.tide.flow;

import static dev.tide.flow.Timeline.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TimeoutTest {

    private final VirtualScheduler vs = Scheduler.virtual();

    private static boolean isTimeout(Throwable t) {
        return t instanceof FlowException f && f.kind() == FlowException.Kind.TIMEOUT;
    }

    @TestFactory
    Stream<DynamicTest> idleTimeout() {
        return OperatorHarness.<Integer, String>operator("timeout", up -> Timeline.stamped(up.timeout(ms(60), vs), vs))
                .emits("every gap shorter than the limit",
                        Timeline.<Integer>on(vs).at(0, 1).at(50, 2).at(100, 3).end(150), List.of("0:1", "50:2", "100:3"))
                .fails("a gap longer than the limit ends the flow",
                        Timeline.<Integer>on(vs).at(0, 1).at(50, 2).at(150, 3).end(150),
                        List.of("0:1", "50:2"), FlowException.class, TimeoutTest::isTimeout)
                .fails("an element arriving exactly at the deadline is too late",
                        Timeline.<Integer>on(vs).at(0, 1).at(60, 2).end(60),
                        List.of("0:1"), FlowException.class, TimeoutTest::isTimeout)
                .fails("a completion that never comes times out",
                        Timeline.<Integer>on(vs).at(0, 1).never(), List.of("0:1"), FlowException.class,
                        TimeoutTest::isTimeout)
                .emits("elements all at once", List.of(1, 2, 3), List.of("0:1", "0:2", "0:3"))
                .tests();
    }

    @Test
    void theFlowEndsAtTheDeadlineWithAMessageAndTheUpstreamIsUnwound() {
        Timeline<Integer> timeline = Timeline.<Integer>on(vs).at(0, 1).at(50, 2);
        Flow<Integer> stalled = timeline.never();
        List<String> seen = new ArrayList<>();
        long start = vs.nanoTime();
        assertThatThrownBy(() -> stalled.timeout(ms(60), vs).forEach(v -> seen.add(v + "@" + (vs.nanoTime() - start) / 1_000_000)))
                .isInstanceOf(FlowException.class)
                .hasMessage("timeout: no element or completion within PT0.06S (after 2 elements)")
                .satisfies(e -> assertThat(((FlowException) e).isRetriable()).isTrue());
        assertThat(seen).containsExactly("1@0", "2@50");
        assertThat((vs.nanoTime() - start) / 1_000_000).as("failed at 50 + 60 ms").isEqualTo(110);
        assertThat(timeline.finallyRan).as("upstream's finally ran").hasValue(1);
    }

    @Test
    void timeSpentDownstreamDoesNotCount() {
        Flow<Integer> input = Timeline.<Integer>on(vs).at(0, 1).at(10, 2).end(20);
        List<Integer> out = input.timeout(ms(50), vs).map(v -> {
            try {
                vs.sleep(ms(100));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return v;
        }).toList();
        assertThat(out).containsExactly(1, 2);
    }

    @Test
    void anUpstreamWaitingOnAQueueIsCancelledByTheTimeout() {
        FlowQueue<Integer> queue = FlowQueue.<Integer>builder().scheduler(vs).build();
        queue.put(7);
        assertThatThrownBy(() -> queue.flow().timeout(ms(10), vs).toList())
                .isInstanceOf(FlowException.class).matches(TimeoutTest::isTimeout);
        assertThat(queue.size()).isZero();
        assertThat(queue.isClosed()).isFalse();
        assertThat(vs.elapsed()).isEqualTo(ms(10));
    }

    @TestFactory
    Stream<DynamicTest> totalTimeout() {
        return OperatorHarness.<Integer, String>operator("completeWithin",
                        up -> Timeline.stamped(up.completeWithin(ms(100), vs), vs))
                .emits("completes in time", Timeline.<Integer>on(vs).at(0, 1).at(60, 2).end(99), List.of("0:1", "60:2"))
                .fails("short gaps but too long in total",
                        Timeline.<Integer>on(vs).at(0, 1).at(40, 2).at(80, 3).at(120, 4).end(130),
                        List.of("0:1", "40:2", "80:3"), FlowException.class,
                        t -> isTimeout(t) && t.getMessage().contains("did not complete within PT0.1S"))
                .emits("elements all at once", List.of(1, 2), List.of("0:1", "0:2"))
                .tests();
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> Flow.of(1).timeout(ms(0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> Flow.of(1).completeWithin(ms(-5))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onTheSystemClockAFastFlowCompletes() {
        assertThat(Flow.of(1, 2, 3).timeout(java.time.Duration.ofMinutes(1)).toList()).containsExactly(1, 2, 3);
    }
}
