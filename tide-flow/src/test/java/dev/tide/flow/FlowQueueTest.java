package dev.tide.flow;

import static dev.tide.flow.Timeline.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class FlowQueueTest {

    private static boolean kind(Throwable t, FlowException.Kind kind) {
        return t instanceof FlowException f && f.kind() == kind;
    }

    private static Thread startThread(Runnable body) {
        return Thread.ofVirtual().start(body);
    }

    private static void awaitBlocked(Thread thread) {
        await().until(() -> thread.getState() == Thread.State.WAITING);
    }

    @Test
    void firstInFirstOutAndOfferResults() {
        FlowQueue<String> queue = FlowQueue.bounded(2);
        assertThat(queue.capacity()).isEqualTo(OptionalInt.of(2));
        assertThat(queue.offer("a")).isEqualTo(FlowQueue.OfferResult.ACCEPTED);
        queue.put("b");
        assertThat(queue.offer("c")).isEqualTo(FlowQueue.OfferResult.FULL);
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.poll()).contains("a");
        assertThat(queue.take()).contains("b");
        assertThat(queue.poll()).isEmpty();
        assertThat(FlowQueue.unbounded().capacity()).isEmpty();
    }

    @Test
    void putBlocksWhileFullUntilAnItemIsTaken() throws InterruptedException {
        FlowQueue<Integer> queue = FlowQueue.bounded(1);
        queue.put(1);
        Thread producer = startThread(() -> queue.put(2));
        awaitBlocked(producer);
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.take()).contains(1);
        producer.join();
        assertThat(queue.take()).contains(2);
    }

    @Test
    void closeThenDrain() {
        FlowQueue<Integer> queue = FlowQueue.bounded(10);
        queue.put(1);
        queue.put(2);
        queue.put(3);
        queue.close();
        assertThat(queue.isClosed()).isTrue();
        assertThat(queue.offer(4)).isEqualTo(FlowQueue.OfferResult.CLOSED);
        assertThatThrownBy(() -> queue.put(4)).matches(t -> kind(t, FlowException.Kind.ILLEGAL_STATE))
                .hasMessage("put on a closed queue: 4");
        assertThat(queue.flow().toList()).containsExactly(1, 2, 3);
        assertThat(queue.flow().toList()).as("drained").isEmpty();
        assertThat(queue.take()).isEmpty();
    }

    @Test
    void closingWakesBlockedProducersAndConsumers() throws InterruptedException {
        FlowQueue<Integer> full = FlowQueue.bounded(1);
        full.put(1);
        AtomicReference<Throwable> refused = new AtomicReference<>();
        Thread producer = startThread(() -> {
            try {
                full.put(2);
            } catch (Throwable t) {
                refused.set(t);
            }
        });
        FlowQueue<Integer> empty = FlowQueue.unbounded();
        AtomicReference<List<Integer>> consumed = new AtomicReference<>();
        Thread consumer = startThread(() -> consumed.set(empty.flow().toList()));
        awaitBlocked(producer);
        awaitBlocked(consumer);
        full.close();
        empty.close();
        producer.join();
        consumer.join();
        assertThat(refused.get()).matches(t -> kind(t, FlowException.Kind.ILLEGAL_STATE));
        assertThat(full.flow().toList()).as("the accepted item is kept").containsExactly(1);
        assertThat(consumed.get()).isEmpty();
    }

    @Test
    void severalConsumersShareTheWorkEachItemGoesToExactlyOne() throws InterruptedException {
        FlowQueue<Integer> queue = FlowQueue.bounded(16);
        int consumers = 4;
        int items = 20_000;
        List<List<Integer>> received = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            List<Integer> mine = new ArrayList<>();
            received.add(mine);
            threads.add(startThread(() -> queue.flow().forEach(mine::add)));
        }
        for (int i = 0; i < items; i++) {
            queue.put(i);
        }
        queue.close();
        for (Thread thread : threads) {
            thread.join();
        }
        List<Integer> all = received.stream().flatMap(List::stream).sorted().collect(Collectors.toList());
        assertThat(all).as("every item exactly once").isEqualTo(IntStream.range(0, items).boxed().toList());
        for (List<Integer> mine : received) {
            assertThat(mine).as("each consumer sees items in queue order").isSorted();
        }
    }

    @Test
    void sizeNeverBlocksEvenWhileAConsumerWaits() throws InterruptedException {
        FlowQueue<Integer> queue = FlowQueue.bounded(3);
        Thread consumer = startThread(queue::take);
        awaitBlocked(consumer);
        assertThat(queue.size()).isZero();
        assertThat(queue.offer(9)).isEqualTo(FlowQueue.OfferResult.ACCEPTED);
        consumer.join();
        assertThat(queue.size()).isZero();
    }

    private record Job(int priority, String name) {
    }

    @Test
    void priorityAppliesToEveryQueuedItemWithTiesInArrivalOrder() {
        FlowQueue<Job> queue = FlowQueue.priority(Comparator.comparingInt(Job::priority));
        for (Job job : List.of(new Job(5, "e"), new Job(1, "a1"), new Job(4, "d"), new Job(1, "a2"),
                new Job(3, "c"), new Job(1, "a3"))) {
            queue.put(job);
        }
        queue.close();
        assertThat(queue.flow().map(Job::name).toList()).containsExactly("a1", "a2", "a3", "c", "d", "e");
    }

    @Test
    void aBoundedPriorityQueueBlocksAndStillOrders() throws InterruptedException {
        FlowQueue<Integer> queue = FlowQueue.priority(Comparator.<Integer>reverseOrder(), 2);
        queue.put(1);
        queue.put(3);
        Thread producer = startThread(() -> queue.put(2));
        awaitBlocked(producer);
        assertThat(queue.offer(7)).isEqualTo(FlowQueue.OfferResult.FULL);
        assertThat(queue.take()).contains(3);
        producer.join();
        queue.close();
        assertThat(queue.flow().toList()).containsExactly(2, 1);
    }

    @Test
    void stoppingAFlowEarlyLeavesTheRestQueued() {
        FlowQueue<Integer> queue = FlowQueue.unbounded();
        for (int i = 1; i <= 5; i++) {
            queue.put(i);
        }
        assertThat(queue.flow().take(2).toList()).containsExactly(1, 2);
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.poll()).isEqualTo(Optional.of(3));
    }

    @Test
    void anInterruptedPutOrTakeFailsWithInterrupted() throws InterruptedException {
        FlowQueue<Integer> queue = FlowQueue.bounded(1);
        queue.put(1);
        AtomicReference<Throwable> putFailure = new AtomicReference<>();
        AtomicReference<Boolean> flagSet = new AtomicReference<>();
        Thread producer = startThread(() -> {
            try {
                queue.put(2);
            } catch (Throwable t) {
                putFailure.set(t);
                flagSet.set(Thread.currentThread().isInterrupted());
            }
        });
        awaitBlocked(producer);
        producer.interrupt();
        producer.join();
        assertThat(putFailure.get()).matches(t -> kind(t, FlowException.Kind.INTERRUPTED));
        assertThat(flagSet.get()).isTrue();
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void onVirtualTimeAWaitingConsumerCountsAsWaiting() {
        VirtualScheduler vs = Scheduler.virtual();
        FlowQueue<String> queue = FlowQueue.<String>builder().capacity(4).scheduler(vs).build();
        Flow<String> producer = Flow.tick(ms(100), vs).take(3).map(i -> {
            queue.put("job" + i);
            return i;
        }).map(String::valueOf);
        // the producer ticks on virtual time while this thread waits on the queue inside the timeout
        Thread feeder = vs.startParticipant(() -> {
            producer.toList();
            queue.close();
        });
        List<String> jobs = Timeline.stamped(queue.flow().timeout(ms(150), vs), vs).toList();
        assertThat(jobs).hasSize(3).allSatisfy(j -> assertThat(j).contains(":job"));
        assertThat(jobs).extracting(j -> j.substring(j.indexOf(':') + 1)).containsExactly("job0", "job1", "job2");
        try {
            feeder.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> FlowQueue.bounded(0)).hasMessage("queue capacity must be positive: 0");
        assertThatThrownBy(() -> FlowQueue.unbounded().put(null)).isInstanceOf(NullPointerException.class);
        assertThat(FlowQueue.bounded(3).toString()).isEqualTo("FlowQueue[size=0, capacity=3]");
    }
}
