package dev.tide.flow;

import static dev.tide.flow.Timeline.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

class ThrottleTest {

    private final VirtualScheduler vs = Scheduler.virtual();

    private Flow<Integer> input() {
        return Timeline.<Integer>on(vs).at(0, 1).at(5, 2).at(10, 3).at(12, 4).at(25, 5).at(30, 6).end(30);
    }

    @TestFactory
    Stream<DynamicTest> dropMode() {
        return OperatorHarness.<Integer, String>operator("throttle DROP",
                        up -> Timeline.stamped(up.throttle(ms(10), ThrottleMode.DROP, vs), vs))
                .emits("only the first element of each period passes", input(), List.of("0:1", "10:3", "25:5"))
                .emits("elements all at once: the first", List.of(1, 2, 3), List.of("0:1"))
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> delayMode() {
        return OperatorHarness.<Integer, String>operator("throttle DELAY",
                        up -> Timeline.stamped(up.throttle(ms(10), ThrottleMode.DELAY, vs), vs))
                // upstream waits while an early element is held, so its later elements arrive late too
                .emits("every element, one per period", input(),
                        List.of("0:1", "10:2", "20:3", "30:4", "40:5", "50:6"))
                .emits("elements all at once are paced", List.of(1, 2, 3), List.of("0:1", "10:2", "20:3"))
                .fails("a failure passes after the held element", Timeline.<Integer>on(vs).at(0, 1).at(1, 2)
                        .failAt(2, new IllegalStateException("x")), List.of("0:1", "10:2"), IllegalStateException.class)
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> defaultModeDrops() {
        return OperatorHarness.<Integer, Integer>operator("throttle", up -> up.throttle(ms(10)))
                .emits("burst on the system clock", List.of(1, 2, 3), List.of(1))
                .tests();
    }

    @org.junit.jupiter.api.Test
    void anElementExactlyOnePeriodLaterPasses() {
        Flow<Integer> input = Timeline.<Integer>on(vs).at(0, 1).at(10, 2).at(19, 3).at(20, 4).end(20);
        assertThat(Timeline.stamped(input.throttle(ms(10), ThrottleMode.DROP, vs), vs).toList())
                .containsExactly("0:1", "10:2", "20:4");
    }
}
