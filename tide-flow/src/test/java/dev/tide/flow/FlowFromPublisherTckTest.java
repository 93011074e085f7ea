package dev.tide.flow;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;

/**
 * The Reactive Streams TCK (subscriber rules, black box) against the subscriber that
 * {@link Flow#fromPublisher} subscribes. The subscriber is obtained through the public API only: a trap
 * publisher captures it while a virtual thread collects {@code Flow.fromPublisher(trap)}.
 */
public class FlowFromPublisherTckTest extends FlowSubscriberBlackboxVerification<Integer> {

    private final List<Thread> collectors = new CopyOnWriteArrayList<>();

    public FlowFromPublisherTckTest() {
        super(new TestEnvironment(2_000, 200));
    }

    @Override
    public java.util.concurrent.Flow.Subscriber<Integer> createFlowSubscriber() {
        CompletableFuture<java.util.concurrent.Flow.Subscriber<? super Integer>> captured = new CompletableFuture<>();
        java.util.concurrent.Flow.Publisher<Integer> trap = captured::complete;
        collectors.add(Thread.ofVirtual().name("tck-collector").start(() -> {
            try {
                Flow.fromPublisher(trap).forEach(i -> { });
            } catch (RuntimeException ignored) {
                // the TCK's publishers may fail or be cut off; the subscriber rules are what is checked
            }
        }));
        @SuppressWarnings("unchecked")
        java.util.concurrent.Flow.Subscriber<Integer> subscriber =
                (java.util.concurrent.Flow.Subscriber<Integer>) captured.join();
        return subscriber;
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }

    @AfterClass
    public void stopCollectors() throws InterruptedException {
        for (Thread collector : collectors) {
            collector.interrupt();
            collector.join();
        }
    }
}
