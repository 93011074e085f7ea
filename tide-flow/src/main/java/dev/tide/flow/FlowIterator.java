package dev.tide.flow;

import java.util.NoSuchElementException;

/**
 * {@link Flow#iterator()} and {@link Flow#toStream()}: the flow runs on one worker of a {@link FlowScope}
 * (started lazily by the first hasNext/next) and hands its elements over through the scope's bounded
 * queue. Reaching the end or a failure closes the scope at once (the worker has ended when hasNext
 * returns false or throws); close() stops an unfinished flow and joins its thread. Not thread-safe.
 */
final class FlowIterator<T> implements CloseableIterator<T> {

    static final int DEFAULT_BUFFER = 16;

    private final Flow<T> flow;
    private final int buffer;
    private FlowScope<T> scope;
    private T next;
    private boolean done;

    FlowIterator(Flow<T> flow, int buffer) {
        this.flow = flow;
        this.buffer = buffer;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (done) {
            return false;
        }
        if (scope == null) {
            scope = new FlowScope<>("iterator", buffer);
            scope.fork(flow);
        }
        T value;
        try {
            value = scope.next();
        } catch (Exception e) {
            close();
            throw Terminals.unchecked(e);
        } catch (Error e) {
            close();
            throw e;
        }
        if (value == null) {
            close();
            return false;
        }
        next = value;
        return true;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the flow has no more elements");
        }
        T value = next;
        next = null;
        return value;
    }

    @Override
    public void close() {
        done = true;
        next = null;
        if (scope != null) {
            scope.close();
        }
    }
}
