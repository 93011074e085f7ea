package dev.tide.flow;

import static dev.tide.flow.Timeline.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Flow.tick and Flow.emitAfter on virtual time. */
@Timeout(20)
class TickTest {

    private final VirtualScheduler vs = Scheduler.virtual();

    @Test
    void ticksAreNumberedAndDueAtFixedRateFromTheStart() {
        Flow<String> ticks = Timeline.stamped(Flow.tick(ms(10), vs).take(4), vs);
        assertThat(ticks.toList()).containsExactly("0:0", "10:1", "20:2", "30:3");
        assertThat(ticks.toList()).as("collected again").containsExactly("0:0", "10:1", "20:2", "30:3");
    }

    @Test
    void aSlowDownstreamDoesNotMakeTheRateDrift() {
        // downstream takes 7 ms per tick: slots stay at multiples of 10 ms
        Flow<String> ticks = Timeline.stamped(Flow.tick(ms(10), vs).take(4), vs).map(sleepFor(7));
        assertThat(ticks.toList()).containsExactly("0:0", "10:1", "20:2", "30:3");
    }

    @Test
    void missedTicksAreSkippedAndTheGapShowsInTheNumbers() {
        // downstream takes 25 ms: slots 1, 2 (10, 20 ms) pass unseen, slot 3 is due at 30 ms
        Flow<String> ticks = Timeline.stamped(Flow.tick(ms(10), vs).take(3), vs).map(sleepFor(25));
        assertThat(ticks.toList()).containsExactly("0:0", "30:3", "60:6");
    }

    @Test
    void aSlotReachedExactlyWhenDownstreamReturnsIsNotMissed() {
        Flow<String> ticks = Timeline.stamped(Flow.tick(ms(10), vs).take(3), vs).map(sleepFor(10));
        assertThat(ticks.toList()).containsExactly("0:0", "10:1", "20:2");
    }

    @Test
    void emitAfterWaitsFromTheStartOfTheCollection() throws InterruptedException {
        Flow<String> late = Timeline.stamped(Flow.emitAfter(Duration.ofSeconds(5), "x", vs), vs);
        vs.sleep(Duration.ofSeconds(60));
        assertThat(late.toList()).containsExactly("5000:x");
        assertThat(Flow.emitAfter(Duration.ZERO, "now", vs).toList()).containsExactly("now");
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> Flow.tick(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tick period must be positive");
        assertThatThrownBy(() -> Flow.emitAfter(ms(-1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flow.tick(ms(1), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theSystemClockTicks() {
        List<Long> ticks = Flow.tick(ms(1)).take(3).toList();
        assertThat(ticks).startsWith(0L).hasSize(3).isSorted();
    }

    /** A map function that sleeps on the virtual clock, as a slow downstream. */
    private java.util.function.Function<String, String> sleepFor(long millis) {
        return value -> {
            try {
                vs.sleep(ms(millis));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return value;
        };
    }
}
