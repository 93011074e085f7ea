package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FlowScopeTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Test
    void deliversEveryElementOfEveryWorkerInPerWorkerOrder() throws Exception {
        List<String> out = new ArrayList<>();
        try (FlowScope<String> scope = new FlowScope<>("test", 2)) {
            scope.fork(Flow.of("a1", "a2", "a3"));
            scope.fork(Flow.of("b1", "b2"));
            scope.drainTo(out::add);
        }
        assertThat(out).containsExactlyInAnyOrder("a1", "a2", "a3", "b1", "b2");
        assertThat(out.stream().filter(s -> s.startsWith("a")).toList()).containsExactly("a1", "a2", "a3");
        assertThat(out.stream().filter(s -> s.startsWith("b")).toList()).containsExactly("b1", "b2");
        assertThat(FlowThreads.live()).isEmpty();
    }

    @Test
    void aFullHandOffBlocksTheWorker() throws Exception {
        AtomicInteger attempted = new AtomicInteger();
        AtomicReference<Thread> worker = new AtomicReference<>();
        try (FlowScope<Integer> scope = new FlowScope<>("test", 1)) {
            scope.fork(out -> {
                worker.set(Thread.currentThread());
                for (int i = 1; i <= 3; i++) {
                    attempted.incrementAndGet();
                    out.emit(i);
                }
            });
            // the first element fills the hand-off, the second emit blocks
            await().atMost(DEADLINE).until(() -> attempted.get() == 2
                    && worker.get().getState() == Thread.State.WAITING);
            assertThat(scope.next()).isEqualTo(1);
            await().atMost(DEADLINE).until(() -> attempted.get() == 3
                    && worker.get().getState() == Thread.State.WAITING);
            assertThat(scope.next()).isEqualTo(2);
            assertThat(scope.next()).isEqualTo(3);
            assertThat(scope.next()).isNull();
        }
    }

    @Test
    void theFirstFailureIsDeliveredAfterTheElementsBeforeItAndCancelsTheOthers() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean otherFinally = new AtomicBoolean();
        AtomicBoolean otherInterrupted = new AtomicBoolean();
        List<Integer> out = Collections.synchronizedList(new ArrayList<>());
        FlowScope<Integer> scope = new FlowScope<>("test", 4);
        try (scope) {
            scope.fork(out1 -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    otherInterrupted.set(true);
                    throw e;
                } finally {
                    otherFinally.set(true);
                }
            });
            scope.fork(out2 -> {
                out2.emit(1);
                out2.emit(2);
                throw boom;
            });
            assertThatThrownBy(() -> scope.drainTo(out::add)).isSameAs(boom);
        }
        assertThat(out).containsExactly(1, 2);
        assertThat(otherInterrupted).isTrue();
        assertThat(otherFinally).isTrue();
        assertThat(FlowThreads.live()).isEmpty();
    }

    @Test
    void closingStopsWorkersBlockedInEmit() throws Exception {
        AtomicBoolean finallyRan = new AtomicBoolean();
        AtomicInteger attempted = new AtomicInteger();
        try (FlowScope<Integer> scope = new FlowScope<>("test", 1)) {
            scope.fork(out -> {
                try {
                    while (true) {
                        attempted.incrementAndGet();
                        out.emit(1);
                    }
                } finally {
                    finallyRan.set(true);
                }
            });
            assertThat(scope.next()).isEqualTo(1);
        }
        assertThat(finallyRan).isTrue();
        int after = attempted.get();
        assertThat(FlowThreads.live()).isEmpty();
        assertThat(attempted.get()).isEqualTo(after);
    }

    @Test
    void anInterruptedCollectorStillJoinsItsWorkers() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean workerFinally = new AtomicBoolean();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        CountDownLatch workerStarted = new CountDownLatch(1);
        Thread collector = Thread.ofVirtual().start(() -> {
            try (FlowScope<Integer> scope = new FlowScope<>("test", 1)) {
                scope.fork(out -> {
                    workerStarted.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } finally {
                        workerFinally.set(true);
                    }
                });
                scope.next();
            } catch (Throwable t) {
                thrown.set(t);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        workerStarted.await();
        collector.interrupt();
        collector.join();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(workerFinally).isTrue();
        assertThat(FlowThreads.live()).isEmpty();
    }

    @Test
    void controlEntriesArriveInQueueOrder() throws Exception {
        try (FlowScope<String> scope = new FlowScope<>("test", 4)) {
            CountDownLatch emitted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            scope.fork(out -> {
                out.emit("x");
                emitted.countDown();
                release.await();
            });
            emitted.await();
            scope.offerControl("signal");
            assertThat(scope.nextEntry()).isEqualTo("x");
            Object entry = scope.nextEntry();
            assertThat(FlowScope.isControl(entry)).isTrue();
            assertThat(FlowScope.controlValue(entry)).isEqualTo("signal");
            release.countDown();
            assertThat(scope.nextEntry()).isNull();
        }
    }
}
