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
 * Thread-safe. Keeps the writer's handle of the last stream it sent to (and of every shard-0 stream),
 * so a send to the same stream as the one before looks nothing up.
 */
final class FileProducer implements Producer {

    private final FileStreamer streamer;
    private final FileWriter writer;
    private final Optional<StreamKey> anchor;
    private final ConcurrentHashMap<StreamKey, FileWriter.Stream> shard0 = new ConcurrentHashMap<>();
    private final FileWriter.Stream anchored;
    private volatile FileWriter.Stream last;
    private volatile boolean closed;

    FileProducer(FileStreamer streamer, FileWriter writer, Optional<StreamKey> anchor) {
        this.streamer = streamer;
        this.writer = writer;
        this.anchor = anchor;
        this.anchored = anchor.map(k -> writer.stream(k, ShardId.ZERO)).orElse(null);
    }

    @Override
    public CompletableFuture<Receipt> send(byte[] payload) {
        if (anchored == null) {
            return Producer.super.send(payload); // fails: not anchored
        }
        checkOpen();
        return writer.send(anchored, Objects.requireNonNull(payload, "payload"));
    }

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, byte[] payload) {
        check(key);
        FileWriter.Stream s = last;
        if (s == null || s.shard.id() != 0 || !s.key.equals(key)) {
            s = shard0.computeIfAbsent(key, k -> writer.stream(k, ShardId.ZERO));
            last = s;
        }
        return writer.send(s, Objects.requireNonNull(payload, "payload"));
    }

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, ShardId shard, byte[] payload) {
        check(key);
        if (shard.id() == 0) {
            return send(key, payload);
        }
        FileWriter.Stream s = last;
        if (s == null || s.shard.id() != shard.id() || !s.key.equals(key)) {
            s = writer.stream(key, shard);
            last = s;
        }
        return writer.send(s, Objects.requireNonNull(payload, "payload"));
    }

    private void checkOpen() {
        if (closed) {
            throw new StreamException(StreamException.Kind.CLOSED, "the producer is closed");
        }
    }

    private void check(StreamKey key) {
        checkOpen();
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
