package dev.tide.flow;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Flow.Publisher;
import java.util.concurrent.Flow.Subscriber;
import java.util.concurrent.Flow.Subscription;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Flow.fromPublisher(): every collection subscribes a fresh Inbox (a Reactive Streams subscriber) and
 * the collecting thread takes the elements out of it and emits them.
 *
 * Demand: the inbox requests PREFETCH elements when subscribed, then, each time the collecting thread has
 * emitted half of that, requests that many again, so at most PREFETCH elements are ever outstanding and
 * the inbox never holds more than PREFETCH elements. The subscriber methods never block (§2.2): they
 * append under the lock and signal.
 *
 * End: onComplete ends the flow after the queued elements; onError fails it with the publisher's own
 * exception after the queued elements. Protocol violations (null element §2.13, more elements than
 * requested §1.1, a second onSubscribe §2.5) fail the flow with an IllegalStateException (the
 * extra subscription is cancelled). When the collection ends early (downstream stop, downstream failure,
 * interrupt) the subscription is cancelled.
 */
final class FlowFromPublisher<T> extends FlowSource<T> {

    static final int PREFETCH = 16;

    private final Publisher<? extends T> publisher;
    private final int prefetch;

    FlowFromPublisher(Publisher<? extends T> publisher, int prefetch) {
        this.publisher = publisher;
        this.prefetch = prefetch;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        Inbox<T> inbox = new Inbox<>(prefetch);
        boolean finished = false;
        try {
            publisher.subscribe(inbox);
            int sinceRequest = 0;
            int batch = Math.max(1, prefetch / 2);
            while (true) {
                T value = inbox.take();
                if (value == null) {
                    finished = true;
                    return;
                }
                emitter.emit(value);
                if (++sinceRequest == batch) {
                    sinceRequest = 0;
                    inbox.request(batch);
                }
            }
        } finally {
            if (!finished) {
                inbox.cancel();
            }
        }
    }

    private static final class Inbox<T> implements Subscriber<T> {

        private final int prefetch;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();
        private final ArrayDeque<T> queue = new ArrayDeque<>();
        private Subscription subscription;
        private long outstanding;
        private boolean completed;
        private Throwable error;
        private boolean cancelled;

        Inbox(int prefetch) {
            this.prefetch = prefetch;
        }

        @Override
        public void onSubscribe(Subscription s) {
            Objects.requireNonNull(s, "subscription");
            boolean accept;
            lock.lock();
            try {
                accept = subscription == null && !cancelled;
                if (accept) {
                    subscription = s;
                    outstanding = prefetch;
                }
            } finally {
                lock.unlock();
            }
            if (accept) {
                s.request(prefetch);
            } else {
                s.cancel();
            }
        }

        @Override
        public void onNext(T item) {
            Objects.requireNonNull(item, "Reactive Streams §2.13: onNext with null");
            lock.lock();
            try {
                if (completed || error != null || cancelled) {
                    return;
                }
                if (outstanding == 0) {
                    error = new IllegalStateException("the publisher sent more elements than requested");
                } else {
                    outstanding--;
                    queue.add(item);
                }
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            Objects.requireNonNull(throwable, "Reactive Streams §2.13: onError with null");
            lock.lock();
            try {
                if (!completed && error == null) {
                    error = throwable;
                }
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onComplete() {
            lock.lock();
            try {
                completed = true;
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** The next element; null after onComplete; throws the publisher's error. */
        T take() throws Exception {
            Throwable failure;
            lock.lockInterruptibly();
            try {
                while (queue.isEmpty() && !completed && error == null) {
                    arrived.await();
                }
                if (!queue.isEmpty()) {
                    return queue.poll();
                }
                if (error == null) {
                    return null;
                }
                failure = error;
            } finally {
                lock.unlock();
            }
            throw FlowScope.rethrow(failure);
        }

        void request(long n) {
            Subscription s;
            lock.lock();
            try {
                s = subscription;
                outstanding += n;
            } finally {
                lock.unlock();
            }
            s.request(n);
        }

        void cancel() {
            Subscription s;
            lock.lock();
            try {
                cancelled = true;
                s = subscription;
            } finally {
                lock.unlock();
            }
            if (s != null) {
                s.cancel();
            }
        }
    }
}
