package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Iterator, java.util.stream.Stream and Reactive Streams interop, both ways. */
class FlowInteropTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final IllegalStateException UPSTREAM = new IllegalStateException("upstream");

    /** A flow that counts its finally blocks and can run forever. */
    private static Flow<Integer> endless(AtomicBoolean closed) {
        return emitter -> {
            try {
                for (int i = 0; ; i++) {
                    emitter.emit(i);
                }
            } finally {
                closed.set(true);
            }
        };
    }

    // ------------------------------------------------------------------ iterator

    @Test
    void theIteratorYieldsEverythingAndCleansUpByItselfAtTheEnd() {
        CloseableIterator<Integer> it = Flow.range(0, 100).iterator();
        List<Integer> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        assertThat(out).hasSize(100).startsWith(0, 1, 2).endsWith(99);
        assertThat(FlowThreads.live()).as("an exhausted iterator has joined its thread").isEmpty();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
        it.close();
    }

    @Test
    void theIteratorStartsNothingUntilUsed() {
        AtomicInteger collected = new AtomicInteger();
        Flow<Integer> flow = emitter -> {
            collected.incrementAndGet();
            emitter.emit(1);
        };
        try (CloseableIterator<Integer> it = flow.iterator()) {
            assertThat(collected).hasValue(0);
            assertThat(FlowThreads.live()).isEmpty();
            assertThat(it.next()).isEqualTo(1);
        }
        assertThat(collected).hasValue(1);
    }

    @Test
    void closingTheIteratorStopsTheFlowAndItsThread() {
        AtomicBoolean closed = new AtomicBoolean();
        try (CloseableIterator<Integer> it = endless(closed).iterator()) {
            assertThat(it.next()).isZero();
            assertThat(it.next()).isEqualTo(1);
        }
        assertThat(closed).isTrue();
        assertThat(FlowThreads.live()).isEmpty();
    }

    @Test
    void theIteratorRethrowsTheFlowsFailureAfterItsElementsAndCleansUp() {
        CloseableIterator<Integer> it = OperatorHarness.failingAfter(List.of(1, 2), UPSTREAM).iterator();
        assertThat(it.next()).isEqualTo(1);
        assertThat(it.next()).isEqualTo(2);
        assertThatThrownBy(it::hasNext).isSameAs(UPSTREAM);
        assertThat(FlowThreads.live()).isEmpty();
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    void aCheckedFailureReachesTheIteratorAsFlowException() {
        Exception checked = new Exception("checked");
        CloseableIterator<Integer> it = OperatorHarness.<Integer>failingAfter(List.of(), checked).iterator();
        assertThatThrownBy(it::hasNext).isInstanceOf(FlowException.class).hasCauseReference(checked);
    }

    @Test
    void theIteratorBackpressuresTheFlow() {
        AtomicInteger produced = new AtomicInteger();
        Flow<Integer> counting = emitter -> {
            for (int i = 0; ; i++) {
                produced.incrementAndGet();
                emitter.emit(i);
            }
        };
        try (CloseableIterator<Integer> it = counting.iterator()) {
            assertThat(it.next()).isZero();
            // the buffer holds 16; the producer then blocks in its emit: at most 16 + 1 taken + 1 blocked
            await().atMost(DEADLINE).until(() -> FlowThreads.live().stream()
                    .anyMatch(t -> t.getState() == Thread.State.WAITING));
            assertThat(produced.get()).isLessThanOrEqualTo(FlowIterator.DEFAULT_BUFFER + 2);
        }
    }

    // ------------------------------------------------------------------ java.util.stream.Stream

    @Test
    void toStreamIsLazyOrderedAndCleansUpWhenClosed() {
        AtomicBoolean closed = new AtomicBoolean();
        try (Stream<Integer> stream = endless(closed).toStream()) {
            assertThat(stream.filter(i -> i % 2 == 1).limit(3).toList()).containsExactly(1, 3, 5);
        }
        assertThat(closed).isTrue();
        assertThat(FlowThreads.live()).isEmpty();
    }

    @Test
    void aStreamTraversedToTheEndNeedsNoClose() {
        assertThat(Flow.of("a", "b").map(String::toUpperCase).toStream().toList()).containsExactly("A", "B");
        assertThat(FlowThreads.live()).isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> roundTripThroughAStream() {
        return OperatorHarness.<Integer, Integer>operator("toStream then fromStream",
                        up -> Flow.fromStream(up::toStream))
                .emits("same elements, same order", List.of(3, 1, 2), List.of(3, 1, 2))
                .tests();
    }

    // ------------------------------------------------------------------ Reactive Streams

    @TestFactory
    Stream<DynamicTest> roundTripThroughOwnPublisherIsUnwrapped() {
        return OperatorHarness.<Integer, Integer>operator("toPublisher then fromPublisher",
                        up -> Flow.fromPublisher(up.toPublisher()))
                .emits("the original flow", List.of(3, 1, 2), List.of(3, 1, 2))
                .earlyCancelPulls(1)
                .tests();
    }

    @Test
    void roundTripThroughTheReactiveStreamsProtocol() {
        // a publisher that only delegates is not unwrapped: the elements cross the protocol, with demand
        java.util.concurrent.Flow.Publisher<Integer> publisher = Flow.range(0, 100).toPublisher();
        java.util.concurrent.Flow.Publisher<Integer> foreign = publisher::subscribe;
        Flow<Integer> flow = Flow.fromPublisher(foreign);
        assertThat(flow.toList()).isEqualTo(Flow.range(0, 100).toList());
        assertThat(flow.toList()).as("collected twice: a fresh subscription").isEqualTo(Flow.range(0, 100).toList());
        java.util.concurrent.Flow.Publisher<Integer> empty = Flow.<Integer>empty().toPublisher();
        java.util.concurrent.Flow.Publisher<Integer> foreignEmpty = empty::subscribe;
        assertThat(Flow.fromPublisher(foreignEmpty).toList()).isEmpty();
        // the publisher's threads belong to their subscriptions: they end right after onComplete
        await().atMost(DEADLINE).until(() -> FlowThreads.live().isEmpty());
    }

    @Test
    void fromPublisherReadsAJdkSubmissionPublisher() throws Exception {
        List<Integer> out = new CopyOnWriteArrayList<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        try (SubmissionPublisher<Integer> publisher = new SubmissionPublisher<>(executor, 4)) {
            Thread collector = Thread.ofVirtual().start(() -> Flow.fromPublisher(publisher)
                    .onEach(i -> subscribed.countDown()).forEach(out::add));
            await().atMost(DEADLINE).until(() -> publisher.getNumberOfSubscribers() == 1);
            for (int i = 0; i < 50; i++) {
                publisher.submit(i);
            }
            publisher.close();
            collector.join();
        } finally {
            executor.close();
        }
        assertThat(out).isEqualTo(Flow.range(0, 50).toList());
    }

    @Test
    void fromPublisherFailsWithThePublishersError() {
        java.util.concurrent.Flow.Publisher<Integer> failing =
                OperatorHarness.<Integer>failingAfter(List.of(1), UPSTREAM).toPublisher();
        List<Integer> seen = new ArrayList<>();
        java.util.concurrent.Flow.Publisher<Integer> foreign = failing::subscribe;
        assertThatThrownBy(() -> Flow.fromPublisher(foreign).forEach(seen::add)).isSameAs(UPSTREAM);
        assertThat(seen).containsExactly(1);
        await().atMost(DEADLINE).until(() -> FlowThreads.live().isEmpty());
    }

    @Test
    void stoppingEarlyCancelsTheSubscriptionAndStopsThePublishersFlow() {
        AtomicBoolean closed = new AtomicBoolean();
        java.util.concurrent.Flow.Publisher<Integer> publisher = endless(closed).toPublisher();
        java.util.concurrent.Flow.Publisher<Integer> foreign = publisher::subscribe;
        assertThat(Flow.fromPublisher(foreign).take(3).toList()).containsExactly(0, 1, 2);
        await().atMost(DEADLINE).untilTrue(closed);
        await().atMost(DEADLINE).until(() -> FlowThreads.live().isEmpty());
    }

    @Test
    void cancelStopsAFlowBlockedWaitingForItsNextElement() {
        AtomicBoolean closed = new AtomicBoolean();
        CountDownLatch emitted = new CountDownLatch(1);
        Flow<Integer> slow = emitter -> {
            try {
                emitter.emit(1);
                emitted.countDown();
                new CountDownLatch(1).await();
            } finally {
                closed.set(true);
            }
        };
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Flow.Subscription> subscription =
                new java.util.concurrent.atomic.AtomicReference<>();
        slow.toPublisher().subscribe(new java.util.concurrent.Flow.Subscriber<>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                subscription.set(s);
                s.request(10);
            }

            @Override
            public void onNext(Integer item) {
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        });
        await().atMost(DEADLINE).until(() -> emitted.getCount() == 0);
        subscription.get().cancel();
        await().atMost(DEADLINE).untilTrue(closed);
        await().atMost(DEADLINE).until(() -> FlowThreads.live().isEmpty());
    }

    @Test
    void thePublisherDeliversOnItsOwnVirtualThreadNotTheCommonPool() {
        List<Thread> deliveredOn = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Flow.of(1, 2).toPublisher().subscribe(new java.util.concurrent.Flow.Subscriber<>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Integer item) {
                deliveredOn.add(Thread.currentThread());
            }

            @Override
            public void onError(Throwable throwable) {
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        await().atMost(DEADLINE).until(() -> done.getCount() == 0);
        assertThat(deliveredOn).hasSize(2).allSatisfy(t -> {
            assertThat(t.isVirtual()).isTrue();
            assertThat(t.getName()).startsWith("tide-flow-publisher-");
        });
    }
}
