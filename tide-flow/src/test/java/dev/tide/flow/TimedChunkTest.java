package dev.tide.flow;

import static dev.tide.flow.Timeline.ms;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TimedChunkTest {

    private final VirtualScheduler vs = Scheduler.virtual();

    @TestFactory
    Stream<DynamicTest> chunkWithMaxWait() {
        return OperatorHarness.<Integer, String>operator("chunk(n, maxWait)",
                        up -> Timeline.stamped(up.chunk(3, ms(50), vs), vs))
                .emits("full chunks at once, partial ones after maxWait, the rest at completion",
                        Timeline.<Integer>on(vs).at(0, 1).at(10, 2).at(20, 3).at(30, 4).at(100, 5).at(200, 6).end(210),
                        List.of("20:[1, 2, 3]", "80:[4]", "150:[5]", "210:[6]"))
                .emits("an element arriving exactly at maxWait starts the next chunk",
                        Timeline.<Integer>on(vs).at(0, 1).at(50, 2).end(60), List.of("50:[1]", "60:[2]"))
                .emits("elements all at once", List.of(1, 2, 3, 4, 5, 6, 7),
                        List.of("0:[1, 2, 3]", "0:[4, 5, 6]", "0:[7]"))
                .fails("a failure drops the unfinished chunk",
                        Timeline.<Integer>on(vs).at(0, 1).at(1, 2).at(2, 3).at(3, 4)
                                .failAt(4, new IllegalStateException("x")),
                        List.of("2:[1, 2, 3]"), IllegalStateException.class)
                .tests();
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> Flow.of(1).chunk(0, ms(5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chunk size must be positive: 0");
        assertThatThrownBy(() -> Flow.of(1).chunk(2, ms(0))).isInstanceOf(IllegalArgumentException.class);
    }
}
