package dev.tide.redis;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection to Redis: owns the {@link RedisBackend} and the producers and consumers made from it.
 *
 * <p>Threads and locks of this module (also in the module's README):
 * <ul>
 * <li>Netty event-loop threads ({@link RedisOptions#IO_THREADS}, plus two Lettuce computation threads),
 * owned by the streamer's {@link RedisBackend} and shut down by {@link #close()}: socket I/O and the
 * completion of Lettuce futures, including producer receipts. They take a producer's lock only to record
 * a send that a lost connection failed.</li>
 * <li>One sender thread per producer ({@code tide-redis-producer}): drains the producer's queue, writes
 * and flushes XADD batches, reconnects and re-sends after a lost connection; waits only for in-flight
 * permits, barriers and back-off.</li>
 * <li>Per consumer: one {@link Reader} thread per group of shards served together
 * ({@code tide-redis-reader-<slot>}; one for a standalone server, one per hash slot in a cluster), blocked
 * in XREAD / XREADGROUP on its own connection; and one {@link Housekeeper} thread
 * ({@code tide-redis-housekeeper}) that sends automatic XACKs, claims idle messages (XAUTOCLAIM), moves
 * dead letters and discovers new shards (SCAN) on the shared control connection.</li>
 * <li>Locks: this streamer's {@link #lock} guards the set of open producers and consumers; each
 * producer's lock guards its queue and re-send list; each consumer's lock guards its buffer, shard table,
 * acknowledgement bookkeeping and reader states. No lock is held across a network call or a user
 * callback, and no lock is taken while holding another.</li>
 * </ul>
 */
final class RedisStreamerImpl implements Streamer {

    private final StreamUrl url;
    private final RedisBackend backend;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<AutoCloseable> open = new LinkedHashSet<>();
    private boolean closed;

    RedisStreamerImpl(StreamUrl url, RedisBackend backend) {
        this.url = url;
        this.backend = backend;
    }

    @Override
    public StreamUrl url() {
        return url;
    }

    @Override
    public Producer producer(ProducerOptions options) {
        return register(() -> new RedisProducerImpl(this, backend, Optional.empty(), options));
    }

    @Override
    public Producer producer(StreamKey key, ProducerOptions options) {
        return register(() -> new RedisProducerImpl(this, backend, Optional.of(key), options));
    }

    @Override
    public Consumer consumer(Collection<StreamKey> keys, ConsumerOptions options) {
        if (keys.isEmpty()) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY, "a consumer needs at least one stream; "
                    + url + " names none");
        }
        List<StreamKey> list = new ArrayList<>(new LinkedHashSet<>(keys));
        return register(() -> new RedisConsumerImpl(this, backend, list, options));
    }

    private <T extends AutoCloseable> T register(java.util.function.Supplier<T> factory) {
        checkOpen();
        T created = factory.get();
        lock.lock();
        try {
            if (!closed) {
                open.add(created);
                return created;
            }
        } finally {
            lock.unlock();
        }
        closeQuietly(created);
        throw closedError();
    }

    private void checkOpen() {
        lock.lock();
        try {
            if (closed) {
                throw closedError();
            }
        } finally {
            lock.unlock();
        }
    }

    private StreamException closedError() {
        return new StreamException(StreamException.Kind.CLOSED, "the Redis streamer " + url + " is closed");
    }

    /** Called by a producer or consumer when it closes. */
    void forget(AutoCloseable child) {
        lock.lock();
        try {
            open.remove(child);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> children;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            children = new ArrayList<>(open);
            open.clear();
        } finally {
            lock.unlock();
        }
        // Producers first, so their flushes can still reach Redis; then consumers.
        children.stream().filter(c -> c instanceof Producer).forEach(RedisStreamerImpl::closeQuietly);
        children.stream().filter(c -> !(c instanceof Producer)).forEach(RedisStreamerImpl::closeQuietly);
        backend.close();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing the rest matters more; the child reported its own failure to its users
        }
    }

    @Override
    public String toString() {
        return "RedisStreamer[" + url + "]";
    }
}
