package dev.tide.mem;

import dev.tide.Producer;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A producer of the mem broker. Storing a message takes the broker's lock for one append, so a send
 * returns an already completed receipt and {@link #flush()} has nothing to wait for. Thread-safe.
 */
final class MemProducer implements Producer {

    private final MemStreamer owner;
    private final Optional<StreamKey> anchor;
    private volatile boolean closed;

    MemProducer(MemStreamer owner, Optional<StreamKey> anchor) {
        this.owner = owner;
        this.anchor = anchor;
    }

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, byte[] payload) {
        return send(key, ShardId.ZERO, payload);
    }

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, ShardId shard, byte[] payload) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(payload, "payload");
        if (closed) {
            throw new StreamException(StreamException.Kind.CLOSED, "this mem producer is closed");
        }
        if (key.isInternal()) {
            throw MemStreamer.reserved(key);
        }
        return CompletableFuture.completedFuture(owner.broker().append(key, shard, payload, owner.clock()));
    }

    @Override
    public Optional<StreamKey> anchor() {
        return anchor;
    }

    /** Returns at once: every send is stored before it returns. */
    @Override
    public void flush() {
    }

    @Override
    public void close() {
        closed = true;
        owner.forget(this);
    }

    @Override
    public String toString() {
        return "MemProducer[" + owner.broker().name() + anchor.map(k -> ", " + k).orElse("") + "]";
    }
}
