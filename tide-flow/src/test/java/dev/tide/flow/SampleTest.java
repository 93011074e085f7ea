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
class SampleTest {

    private final VirtualScheduler vs = Scheduler.virtual();

    @TestFactory
    Stream<DynamicTest> sample() {
        return OperatorHarness.<Integer, String>operator("sample", up -> Timeline.stamped(up.sample(ms(50), vs), vs))
                // RS2's documented example: 1, 2, 3 ten ms apart, a pause, then 4
                .emits("the latest element at each tick, the rest flushed at completion",
                        Timeline.<Integer>on(vs).at(0, 1).at(10, 2).at(20, 3).at(120, 4).end(120),
                        List.of("50:3", "120:4"))
                .emits("a tick without a new element emits nothing",
                        Timeline.<Integer>on(vs).at(0, 1).at(160, 2).end(300), List.of("50:1", "200:2"))
                .emits("an element arriving exactly at a tick counts for the next tick",
                        Timeline.<Integer>on(vs).at(0, 1).at(50, 2).end(200), List.of("50:1", "100:2"))
                .emits("elements all at once: the last, at completion", List.of(1, 2, 3), List.of("0:3"))
                .fails("a failure drops the element not yet emitted",
                        Timeline.<Integer>on(vs).at(0, 1).at(60, 2).failAt(70, new IllegalStateException("x")),
                        List.of("50:1"), IllegalStateException.class)
                .tests();
    }

    @Test
    void ticksMissedByASlowDownstreamAreSkipped() {
        Flow<Integer> input = Timeline.<Integer>on(vs).at(0, 1).at(60, 2).at(130, 3).end(300);
        List<String> out = Timeline.stamped(input.sample(ms(50), vs), vs).map(v -> {
            if (v.endsWith(":1")) {
                sleep(100);
            }
            return v;
        }).toList();
        // 1 at the 50 ms tick; downstream is busy until 150 ms, so the 100 ms tick is late and the helper
        // (one element ahead) delivers 3 only then; the next tick is 200 ms
        assertThat(out).containsExactly("50:1", "150:2", "200:3");
    }

    private void sleep(long millis) {
        try {
            vs.sleep(ms(millis));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
