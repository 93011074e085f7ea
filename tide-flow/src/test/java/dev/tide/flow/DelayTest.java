package dev.tide.flow;

import static dev.tide.flow.Timeline.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class DelayTest {

    private final VirtualScheduler vs = Scheduler.virtual();

    @TestFactory
    Stream<DynamicTest> delay() {
        return OperatorHarness.<Integer, String>operator("delay", up -> Timeline.stamped(up.delay(ms(10), vs), vs))
                .emits("every element shifted, spacing kept",
                        Timeline.<Integer>on(vs).at(0, 1).at(5, 2).at(30, 3).end(30), List.of("10:1", "15:2", "40:3"))
                .emits("elements all at once", List.of(1, 2, 3), List.of("10:1", "10:2", "10:3"))
                .fails("a failure follows the elements before it",
                        Timeline.<Integer>on(vs).at(0, 1).failAt(5, new IllegalStateException("x")),
                        List.of("10:1"), IllegalStateException.class)
                .tests();
    }

    @Test
    void aZeroDelayChangesNothing() {
        assertThat(Timeline.stamped(Timeline.<Integer>on(vs).at(0, 1).at(7, 2).end(7).delay(ms(0), vs), vs).toList())
                .containsExactly("0:1", "7:2");
    }

    @Test
    void aFastUpstreamIsNotHeldBackByTheDelay() {
        Timeline<Integer> timeline = Timeline.on(vs);
        for (int i = 0; i < 100; i++) {
            timeline.at(i, i);
        }
        List<String> out = Timeline.stamped(timeline.end(100).delay(ms(1000), vs), vs).toList();
        assertThat(out).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(out.get(i)).isEqualTo((1000 + i) + ":" + i);
        }
    }
}
