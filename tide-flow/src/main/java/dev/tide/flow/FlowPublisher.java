package dev.tide.flow;

import java.util.Objects;
import java.util.concurrent.Flow.Publisher;
import java.util.concurrent.Flow.Subscriber;
import java.util.concurrent.Flow.Subscription;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Flow.toPublisher(): a cold Reactive Streams publisher.
 *
 * Every subscribe() starts one virtual thread (FlowThreads, role "publisher") that owns the subscription:
 * it calls onSubscribe, collects the flow, and delivers every onNext/onError/onComplete, so signals are
 * serial by construction (§1.3). The flow's emit waits while the demand is zero: a paused emit is the
 * backpressure (§1.1). request() and cancel() may be called from any thread, including from inside
 * onNext on the delivering thread (no recursion: they only update the demand under the lock, §3.3).
 *
 *   - request(n <= 0) signals onError(IllegalArgumentException) (§3.9), at the flow's next element or at
 *     its end, whichever comes first; demand saturates at Long.MAX_VALUE (§3.17).
 *   - cancel() (§3.5, §3.7) marks the subscription cancelled: the flow's next emit throws an AbortFlow
 *     owned by this subscription, which unwinds the flow and runs its finally blocks; no signal follows.
 *     If the thread is not inside the subscriber (onNext) it is also interrupted, to stop a flow that is
 *     blocked waiting for its next element. Requests after cancel are no-ops (§3.6).
 *   - a subscriber method that throws (a §2.13 violation) cancels the subscription; the exception is then
 *     rethrown on the delivering thread, so it reaches that thread's uncaught-exception handler instead of
 *     vanishing.
 *
 * Lock: one ReentrantLock per subscription guards demand, cancelled, insideSubscriber and the pending
 * request error. No subscriber method is called while it is held.
 */
final class FlowPublisher<T> implements Publisher<T> {

    private final Flow<T> flow;

    FlowPublisher(Flow<T> flow) {
        this.flow = flow;
    }

    /** The flow this publisher publishes; Flow.fromPublisher unwraps it. */
    Flow<T> flow() {
        return flow;
    }

    @Override
    public void subscribe(Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        FlowSubscription<T> subscription = new FlowSubscription<>(flow, subscriber);
        FlowThreads.start("publisher", subscription::run);
    }

    private static final class FlowSubscription<T> implements Subscription {

        private final Flow<T> flow;
        private final Subscriber<? super T> subscriber;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long demand;
        private boolean cancelled;
        private boolean insideSubscriber;
        private Thread thread;
        private IllegalArgumentException badRequest;
        private Throwable subscriberFailure;

        FlowSubscription(Flow<T> flow, Subscriber<? super T> subscriber) {
            this.flow = flow;
            this.subscriber = subscriber;
        }

        void run() {
            lock.lock();
            try {
                thread = Thread.currentThread();
                insideSubscriber = true;
            } finally {
                lock.unlock();
            }
            if (!deliver(() -> subscriber.onSubscribe(this))) {
                rethrowSubscriberFailure();
                return;
            }
            Throwable failure = null;
            try {
                flow.collect(this::emit);
            } catch (AbortFlow e) {
                if (!e.isOwnedBy(this)) {
                    failure = e;
                }
            } catch (Throwable t) {
                failure = t;
            }
            IllegalArgumentException request;
            boolean alreadyCancelled;
            lock.lock();
            try {
                alreadyCancelled = cancelled;
                if (cancelled) {
                    request = null;
                    failure = null;
                } else {
                    request = badRequest;
                    cancelled = true;
                    insideSubscriber = true;
                }
            } finally {
                lock.unlock();
            }
            if (request != null) {
                deliver(() -> subscriber.onError(request));
            } else if (failure != null) {
                Throwable error = failure;
                deliver(() -> subscriber.onError(error));
            } else if (!alreadyCancelled) {
                deliver(subscriber::onComplete);
            }
            Thread.interrupted(); // a late cancel() may have interrupted this thread; it ends here anyway
            rethrowSubscriberFailure();
        }

        private void emit(T value) throws InterruptedException {
            lock.lockInterruptibly();
            try {
                while (demand == 0 && !cancelled && badRequest == null) {
                    changed.await();
                }
                if (cancelled || badRequest != null) {
                    throw new AbortFlow(this);
                }
                if (demand != Long.MAX_VALUE) {
                    demand--;
                }
                insideSubscriber = true;
            } finally {
                lock.unlock();
            }
            boolean ok = deliver(() -> subscriber.onNext(value));
            if (!ok) {
                throw new AbortFlow(this);
            }
        }

        /** Calls a subscriber method; false (and the subscription cancelled) when it threw. */
        private boolean deliver(Runnable signal) {
            try {
                signal.run();
                return true;
            } catch (Throwable t) {
                subscriberFailure = t;
                lock.lock();
                try {
                    cancelled = true;
                } finally {
                    lock.unlock();
                }
                return false;
            } finally {
                lock.lock();
                try {
                    insideSubscriber = false;
                } finally {
                    lock.unlock();
                }
            }
        }

        private void rethrowSubscriberFailure() {
            Throwable t = subscriberFailure;
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException("a subscriber method threw", t);
            }
        }

        @Override
        public void request(long n) {
            lock.lock();
            try {
                if (cancelled) {
                    return;
                }
                if (n <= 0) {
                    if (badRequest == null) {
                        badRequest = new IllegalArgumentException(
                                "Reactive Streams §3.9: request must be positive, was " + n);
                    }
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void cancel() {
            lock.lock();
            try {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                changed.signalAll();
                if (!insideSubscriber && thread != null && thread != Thread.currentThread()) {
                    thread.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
