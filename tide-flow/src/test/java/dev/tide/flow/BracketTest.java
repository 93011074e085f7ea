package dev.tide.flow;

import static dev.tide.flow.Timeline.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class BracketTest {

    /** A resource that records what happened to it. */
    private static final class Resource {
        final int id;
        final List<String> log;

        Resource(int id, List<String> log) {
            this.id = id;
            this.log = log;
        }
    }

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ids = new AtomicInteger();

    private Resource acquire() {
        Resource r = new Resource(ids.incrementAndGet(), log);
        log.add("acquire " + r.id);
        return r;
    }

    private void release(Resource r, ExitCase exit) {
        String how = exit instanceof ExitCase.Failed f ? "FAILED(" + f.cause().getMessage() + ")" : exit.toString();
        log.add("release " + r.id + " " + how);
    }

    private <T> Flow<T> bracketed(Flow<T> inner) {
        return Flow.bracketCase(this::acquire, r -> inner, this::release);
    }

    @TestFactory
    Stream<DynamicTest> harness() {
        AtomicInteger acquired = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        return OperatorHarness.<Integer, Integer>operator("bracket", up -> Flow.bracket(
                        acquired::incrementAndGet, r -> up, r -> released.incrementAndGet()))
                .emits("the inner flow's elements", List.of(1, 2, 3), List.of(1, 2, 3))
                .earlyCancelPulls(1)
                .tests()
                .map(test -> DynamicTest.dynamicTest(test.getDisplayName(), () -> {
                    test.getExecutable().execute();
                    assertThat(released.get()).as("released once per acquisition").isEqualTo(acquired.get());
                }));
    }

    @Test
    void completionReleasesOnceWithCompleted() {
        assertThat(bracketed(Flow.of(1, 2)).toList()).containsExactly(1, 2);
        assertThat(log).containsExactly("acquire 1", "release 1 Completed[]");
    }

    @Test
    void stoppingEarlyReleasesWithCancelledBeforeTheTerminalReturns() {
        assertThat(bracketed(Flow.iterate(1, i -> i + 1)).take(2).toList()).containsExactly(1, 2);
        assertThat(log).containsExactly("acquire 1", "release 1 Cancelled[]");
    }

    @Test
    void anUpstreamFailureReleasesWithFailed() {
        Flow<Integer> failing = OperatorHarness.failingAfter(List.of(1), new IllegalStateException("inner"));
        assertThatThrownBy(() -> bracketed(failing).toList()).hasMessage("inner");
        assertThat(log).containsExactly("acquire 1", "release 1 FAILED(inner)");
    }

    @Test
    void aDownstreamFailureReleasesWithFailed() {
        Flow<Integer> flow = bracketed(Flow.of(1, 2)).map(i -> {
            throw new IllegalArgumentException("downstream");
        });
        assertThatThrownBy(flow::toList).hasMessage("downstream");
        assertThat(log).containsExactly("acquire 1", "release 1 FAILED(downstream)");
    }

    @Test
    void aFailedAcquireReleasesNothing() {
        Flow<Integer> flow = Flow.bracketCase(() -> {
            throw new java.io.IOException("cannot open");
        }, r -> Flow.of(1), (r, exit) -> log.add("release"));
        assertThatThrownBy(flow::toList).isInstanceOf(FlowException.class).hasCauseInstanceOf(java.io.IOException.class);
        assertThat(log).isEmpty();
    }

    @Test
    void aFailingUseReleasesWithFailed() {
        Flow<Integer> flow = Flow.bracketCase(this::acquire, r -> {
            throw new IllegalArgumentException("use");
        }, this::release);
        assertThatThrownBy(flow::toList).hasMessage("use");
        assertThat(log).containsExactly("acquire 1", "release 1 FAILED(use)");
    }

    @Test
    void aFailingReleaseAfterCompletionOrCancellationFailsTheFlow() {
        Release<Resource> failingRelease = r -> {
            throw new IllegalStateException("release " + r.id);
        };
        assertThatThrownBy(() -> Flow.bracket(this::acquire, r -> Flow.of(1), failingRelease).toList())
                .hasMessage("release 1");
        assertThatThrownBy(() -> Flow.bracket(this::acquire, r -> Flow.iterate(1, i -> i + 1), failingRelease)
                .take(1).toList()).hasMessage("release 2");
    }

    @Test
    void aFailingReleaseAfterAFailureIsSuppressed() {
        IllegalStateException inner = new IllegalStateException("inner");
        Flow<Integer> flow = Flow.bracket(this::acquire, r -> OperatorHarness.<Integer>failingAfter(List.of(), inner),
                r -> {
                    throw new IllegalArgumentException("release");
                });
        assertThatThrownBy(flow::toList).isSameAs(inner);
        assertThat(inner.getSuppressed()).anySatisfy(s -> assertThat(s).hasMessage("release"));
    }

    @Test
    void eachCollectionAcquiresAndReleasesItsOwnResource() {
        Flow<Integer> flow = bracketed(Flow.of(1));
        flow.toList();
        flow.toList();
        assertThat(log).containsExactly("acquire 1", "release 1 Completed[]", "acquire 2", "release 2 Completed[]");
    }

    @Test
    void aTimeoutCancelsTheUseAndReleasesBeforeTheTerminalReturns() {
        VirtualScheduler vs = Scheduler.virtual();
        Flow<Integer> stalled = Timeline.<Integer>on(vs).at(0, 1).never();
        assertThatThrownBy(() -> bracketed(stalled).timeout(ms(10), vs).toList())
                .isInstanceOf(FlowException.class).hasMessageContaining("timeout");
        assertThat(log).containsExactly("acquire 1", "release 1 Cancelled[]");
    }

    @Test
    void releaseRunsExactlyOnceUnderEveryEnding() {
        AtomicInteger releases = new AtomicInteger();
        Flow<Integer> flow = Flow.bracket(() -> "r", r -> Flow.iterate(1, i -> i + 1), r -> releases.incrementAndGet());
        for (int n = 0; n < 5; n++) {
            flow.take(n).toList();
        }
        assertThat(releases).hasValue(4);
    }
}
