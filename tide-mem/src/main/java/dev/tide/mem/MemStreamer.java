package dev.tide.mem;

import dev.tide.Consumer;
import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A connection to a {@link MemBroker}. Thread-safe; see the broker for the design. */
final class MemStreamer implements Streamer {

    private final StreamUrl url;
    private final MemBroker broker;
    private final Clock clock;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    MemStreamer(StreamUrl url, MemBroker broker, Clock clock) {
        this.url = url;
        this.broker = broker;
        this.clock = clock;
    }

    @Override
    public StreamUrl url() {
        return url;
    }

    @Override
    public Producer producer(ProducerOptions options) {
        return producer(Optional.empty(), options);
    }

    @Override
    public Producer producer(StreamKey key, ProducerOptions options) {
        return producer(Optional.of(Objects.requireNonNull(key, "key")), options);
    }

    private Producer producer(Optional<StreamKey> anchor, ProducerOptions options) {
        MemOptions.checkNames(options.names(), Set.of(), "producer");
        if (anchor.isPresent() && anchor.get().isInternal()) {
            throw reserved(anchor.get());
        }
        return register(new MemProducer(this, anchor));
    }

    @Override
    public Consumer consumer(Collection<StreamKey> keys, ConsumerOptions options) {
        ConsumerOptions checked = options.checked();
        MemOptions.checkNames(options.names(), Set.of(), "consumer");
        List<StreamKey> list = List.copyOf(new LinkedHashSet<>(keys));
        if (list.isEmpty()) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY, "a consumer needs at least one stream");
        }
        for (StreamKey key : list) {
            if (key.isInternal()) {
                throw reserved(key);
            }
        }
        checkOpen();
        broker.lock().lock();
        MemConsumer consumer;
        try {
            String group = checked.group().map(g -> g.name()).orElse("");
            consumer = checked.mode() == ConsumerMode.LOAD_BALANCED
                    ? new GroupMember(this, list, broker.group(group), checked.reset())
                    : new DirectConsumer(this, list, checked.reset(),
                            checked.mode() == ConsumerMode.RESUMABLE ? broker.resumableCommits(group) : null);
        } finally {
            broker.lock().unlock();
        }
        return register(consumer);
    }

    private <T extends AutoCloseable> T register(T child) {
        open.add(child);
        if (closed) {
            closeQuietly(child);
            throw closedError();
        }
        return child;
    }

    /** Forgets a child that was closed. */
    void forget(AutoCloseable child) {
        open.remove(child);
    }

    MemBroker broker() {
        return broker;
    }

    Clock clock() {
        return clock;
    }

    private void checkOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private StreamException closedError() {
        return new StreamException(StreamException.Kind.CLOSED, "the connection to the " + broker + " is closed");
    }

    static StreamException reserved(StreamKey key) {
        return new StreamException(StreamException.Kind.INVALID_STREAM_KEY,
                "the stream key " + key + " is reserved for backend markers");
    }

    @Override
    public void close() {
        closed = true;
        for (AutoCloseable child : new ArrayList<>(open)) {
            closeQuietly(child);
        }
    }

    private static void closeQuietly(AutoCloseable child) {
        try {
            child.close();
        } catch (Exception e) {
            // the mem producers and consumers do not fail to close; nothing to report
        }
    }

    @Override
    public String toString() {
        return "MemStreamer[" + url + "]";
    }
}
