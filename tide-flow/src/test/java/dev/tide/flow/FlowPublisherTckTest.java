package dev.tide.flow;

import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The Reactive Streams TCK (publisher rules) against {@link Flow#toPublisher()}. TestNG based; it runs on
 * the JUnit Platform through the TestNG engine, so a missing engine fails the build instead of skipping.
 * Each subscription delivers on its own virtual thread (never the common pool).
 */
public class FlowPublisherTckTest extends FlowPublisherVerification<Long> {

    public FlowPublisherTckTest() {
        super(new TestEnvironment(2_000, 200), 1_000);
    }

    @Override
    public java.util.concurrent.Flow.Publisher<Long> createFlowPublisher(long elements) {
        return Flow.iterate(0L, i -> i + 1).take(elements).toPublisher();
    }

    @Override
    public java.util.concurrent.Flow.Publisher<Long> createFailedFlowPublisher() {
        return Flow.<Long>fromCallable(() -> {
            throw new IllegalStateException("a flow that fails at once");
        }).toPublisher();
    }
}
