package dev.tide.flow;

import static dev.tide.flow.Timeline.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class CircuitBreakerTest {

    private final VirtualScheduler clock = VirtualScheduler.manual();

    private CircuitBreaker.Builder builder() {
        return CircuitBreaker.builder().name("db").scheduler(clock).waitInOpen(Duration.ofSeconds(30));
    }

    private static boolean refused(Throwable t) {
        return t instanceof FlowException f && f.kind() == FlowException.Kind.CIRCUIT_OPEN;
    }

    private static void succeed(CircuitBreaker breaker) throws Exception {
        breaker.call(() -> "ok");
    }

    private static void fail(CircuitBreaker breaker) {
        assertThatThrownBy(() -> breaker.call(() -> {
            throw new java.io.IOException("down");
        })).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void consecutiveFailuresOpenTheBreakerAndCallsAreRefusedWithoutRunning() throws Exception {
        CircuitBreaker breaker = builder().consecutiveFailures(3).failureRate(1.0, 100, 100).build();
        fail(breaker);
        fail(breaker);
        succeed(breaker);
        fail(breaker);
        fail(breaker);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        fail(breaker);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> breaker.call(ran::incrementAndGet))
                .matches(CircuitBreakerTest::refused)
                .hasMessage("circuit breaker 'db' refused the call: open for another PT30S");
        assertThat(ran).hasValue(0);
        assertThat(breaker.tryAcquire()).isEmpty();
    }

    @Test
    void theFailureRateCountsOnlyOnceTheMinimumNumberOfCallsIsReached() throws Exception {
        CircuitBreaker breaker = builder().failureRate(0.5, 4, 4).build();
        fail(breaker);
        fail(breaker);
        fail(breaker);
        assertThat(breaker.state()).as("3 calls, fewer than the minimum").isEqualTo(CircuitBreaker.State.CLOSED);
        succeed(breaker);
        assertThat(breaker.state()).as("a success never opens").isEqualTo(CircuitBreaker.State.CLOSED);
        // window: F F F S -> the next call pushes out the oldest F
        succeed(breaker);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        fail(breaker);
        assertThat(breaker.state()).as("window F S S F: 50 %").isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void theWindowSlides() throws Exception {
        CircuitBreaker breaker = builder().failureRate(0.75, 4, 4).build();
        fail(breaker);
        fail(breaker);
        succeed(breaker);
        succeed(breaker);
        fail(breaker);
        fail(breaker);
        assertThat(breaker.state()).as("window S S F F: 50 %").isEqualTo(CircuitBreaker.State.CLOSED);
        fail(breaker);
        assertThat(breaker.state()).as("window S F F F: 75 %").isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void afterTheWaitTrialCallsAreLimitedAndTheirSuccessClosesTheBreaker() throws Exception {
        CircuitBreaker breaker = builder().consecutiveFailures(1).halfOpenTrials(2).build();
        fail(breaker);
        clock.advanceBy(Duration.ofSeconds(29));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        Optional<CircuitBreaker.Permit> first = breaker.tryAcquire();
        Optional<CircuitBreaker.Permit> second = breaker.tryAcquire();
        assertThat(first).isPresent();
        assertThat(second).isPresent();
        assertThat(breaker.tryAcquire()).as("both trials in flight").isEmpty();
        assertThatThrownBy(() -> breaker.call(() -> 1))
                .hasMessage("circuit breaker 'db' refused the call: half-open with all 2 trial calls in flight");
        first.get().success();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        second.get().success();
        second.get().failure(new java.io.IOException("reported twice: ignored"));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        fail(breaker);
        assertThat(breaker.state()).as("closed with a fresh window").isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void aFailedTrialOpensTheBreakerForANewWait() throws Exception {
        CircuitBreaker breaker = builder().consecutiveFailures(1).halfOpenTrials(3).build();
        fail(breaker);
        clock.advanceBy(Duration.ofSeconds(30));
        succeed(breaker);
        fail(breaker);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advanceBy(Duration.ofSeconds(29));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advanceBy(Duration.ofSeconds(1));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void aReleasedTrialFreesItsSlot() {
        CircuitBreaker breaker = builder().consecutiveFailures(1).halfOpenTrials(1).build();
        fail(breaker);
        clock.advanceBy(Duration.ofSeconds(30));
        CircuitBreaker.Permit trial = breaker.tryAcquire().orElseThrow();
        assertThat(breaker.tryAcquire()).isEmpty();
        trial.release();
        assertThat(breaker.tryAcquire()).isPresent();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void anOutcomeFromBeforeAStateChangeIsIgnored() {
        CircuitBreaker breaker = builder().consecutiveFailures(1).build();
        CircuitBreaker.Permit slow = breaker.tryAcquire().orElseThrow();
        fail(breaker);
        clock.advanceBy(Duration.ofSeconds(30));
        slow.success();
        assertThat(breaker.state()).as("not closed by a call admitted before it opened")
                .isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void failuresTheBreakerIgnoresAreNotCounted() {
        CircuitBreaker breaker = builder().consecutiveFailures(1)
                .recordFailureOn(e -> !(e instanceof IllegalArgumentException)).build();
        assertThatThrownBy(() -> breaker.call(() -> {
            throw new IllegalArgumentException("the caller's fault");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        CircuitBreaker interruptedOnly = builder().consecutiveFailures(1).build();
        assertThatThrownBy(() -> interruptedOnly.call(() -> {
            throw new InterruptedException();
        })).isInstanceOf(InterruptedException.class);
        assertThat(interruptedOnly.state()).as("an interrupted call did not fail").isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void decorateGuardsAFunction() {
        CircuitBreaker breaker = builder().consecutiveFailures(2).build();
        Function<Integer, Integer> guarded = breaker.decorate(i -> {
            if (i < 0) {
                throw new IllegalStateException("negative");
            }
            return i * 2;
        });
        assertThat(guarded.apply(2)).isEqualTo(4);
        List<Integer> out = Flow.of(1, -1, -2, 3).map(guarded, (element, error) ->
                refused(error) ? ElementErrorHandler.Decision.replace(0) : ElementErrorHandler.Decision.skip()).toList();
        assertThat(out).as("-1 and -2 fail and open the breaker; 3 is refused").containsExactly(2, 0);
    }

    @TestFactory
    Stream<DynamicTest> asAnOperator() {
        CircuitBreaker breaker = builder().consecutiveFailures(1000).build();
        return OperatorHarness.<Integer, Integer>operator("circuitBreaker", up -> up.circuitBreaker(breaker))
                .emits("a closed breaker lets the flow through", List.of(1, 2, 3), List.of(1, 2, 3))
                .fails("upstream failures pass unchanged",
                        OperatorHarness.failingAfter(List.of(1), new IllegalStateException("x")), List.of(1),
                        IllegalStateException.class)
                .earlyCancelPulls(1)
                .tests();
    }

    @Test
    void eachCollectionIsOneCall() {
        CircuitBreaker breaker = builder().consecutiveFailures(2).halfOpenTrials(1).build();
        AtomicInteger collections = new AtomicInteger();
        Flow<Integer> failing = emitter -> {
            collections.incrementAndGet();
            throw new java.io.IOException("down");
        };
        Flow<Integer> guarded = failing.circuitBreaker(breaker);
        assertThatThrownBy(guarded::toList).hasCauseInstanceOf(java.io.IOException.class);
        assertThatThrownBy(guarded::toList).hasCauseInstanceOf(java.io.IOException.class);
        assertThatThrownBy(guarded::toList).matches(CircuitBreakerTest::refused);
        assertThat(collections).as("the third collection never reached upstream").hasValue(2);

        clock.advanceBy(Duration.ofSeconds(30));
        Flow<Integer> endless = Flow.iterate(1, i -> i + 1);
        assertThat(endless.circuitBreaker(breaker).take(2).toList()).containsExactly(1, 2);
        assertThat(breaker.state()).as("an early stop is not an outcome: the trial slot is free")
                .isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(Flow.of(5).circuitBreaker(breaker).toList()).containsExactly(5);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void retryWaitsForTheBreakerOnVirtualTime() {
        VirtualScheduler vs = Scheduler.virtual();
        CircuitBreaker breaker = CircuitBreaker.builder().name("svc").scheduler(vs).consecutiveFailures(2)
                .waitInOpen(Duration.ofSeconds(10)).halfOpenTrials(1).build();
        List<Long> attempts = new ArrayList<>();
        AtomicInteger collections = new AtomicInteger();
        Flow<String> recovering = emitter -> {
            attempts.add(vs.elapsed().toSeconds());
            if (collections.incrementAndGet() <= 2) {
                throw new java.io.IOException("down");
            }
            emitter.emit("up at " + vs.elapsed().toSeconds());
        };
        RetryPolicy everySecond = RetryPolicy.fixed(100, Duration.ofSeconds(1));
        assertThat(recovering.circuitBreaker(breaker).retry(everySecond, RetryMode.REPLAY, vs).toList())
                .containsExactly("up at 11");
        assertThat(attempts).as("upstream is not collected while the breaker is open").containsExactly(0L, 1L, 11L);
    }

    @Test
    void theBreakerIsThreadSafe() throws InterruptedException {
        CircuitBreaker breaker = CircuitBreaker.builder().failureRate(0.9, 50, 50).build();
        List<Thread> threads = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 2000; i++) {
                    try {
                        breaker.call(() -> "ok");
                        done.incrementAndGet();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(done).hasValue(16_000);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void theBuilderChecksItsArguments() {
        assertThatThrownBy(() -> CircuitBreaker.builder().failureRate(0, 10, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CircuitBreaker.builder().failureRate(0.5, 10, 11))
                .hasMessage("minimum calls must be between 1 and the window size 10: 11");
        assertThatThrownBy(() -> CircuitBreaker.builder().halfOpenTrials(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CircuitBreaker.builder().waitInOpen(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CircuitBreaker.builder().name(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ms(1)).isPositive();
    }
}
