package dev.tide.file;

import dev.tide.Producer;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A producer on a file: a handle on the file's one {@link FileWriter}. Each stream and shard numbers
 * its messages from 1 (continuing an existing file's numbering); the timestamp is the send time in ms.
 * Thread-safe.
 */
final class FileProducer implements Producer {

    private final FileStreamer streamer;
    private final FileWriter writer;
    private final Optional<StreamKey> anchor;
    private final ConcurrentHashMap<StreamKey, StreamShard> shard0 = new ConcurrentHashMap<>();
    private volatile boolean closed;

    FileProducer(FileStreamer streamer, FileWriter writer, Optional<StreamKey> anchor) {
        this.streamer = streamer;
        this.writer = writer;
        this.anchor = anchor;
    }

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, byte[] payload) {
        check(key);
        StreamShard s = shard0.computeIfAbsent(key, k -> new StreamShard(k.name(), 0));
        return writer.send(key, ShardId.ZERO, s, Objects.requireNonNull(payload, "payload"));
    }

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, ShardId shard, byte[] payload) {
        check(key);
        if (shard.id() == 0) {
            return send(key, payload);
        }
        return writer.send(key, shard, new StreamShard(key.name(), shard.id()), Objects.requireNonNull(payload, "payload"));
    }

    private void check(StreamKey key) {
        if (closed) {
            throw new StreamException(StreamException.Kind.CLOSED, "the producer is closed");
        }
        if (key.isInternal()) {
            throw new StreamException(StreamException.Kind.INVALID_STREAM_KEY,
                    "the stream key " + StreamKey.INTERNAL + " is reserved for the file's own markers");
        }
    }

    @Override
    public Optional<StreamKey> anchor() {
        return anchor;
    }

    @Override
    public void flush() {
        if (!closed) {
            writer.flush();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            writer.flush();
        } catch (StreamException e) {
            // a broken writer: the receipts already carry the error
        }
        closed = true;
        streamer.forget(this);
    }
}
