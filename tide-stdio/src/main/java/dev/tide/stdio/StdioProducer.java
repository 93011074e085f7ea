package dev.tide.stdio;

import dev.tide.Producer;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/*
 * Prints messages as lines through the connection's output hub. A payload must be valid UTF-8 and must not
 * contain '\n' (the line format has no escaping: the line would split into two messages); otherwise the
 * send's future fails with FORMAT. A '\r' is printed as is; note that readers trim white space around a
 * payload, so leading and trailing white space does not survive a round trip.
 */
final class StdioProducer implements Producer {

    private final StdioStreamer streamer;
    private final Optional<StreamKey> anchor;
    private volatile boolean closed;

    StdioProducer(StdioStreamer streamer, Optional<StreamKey> anchor) {
        this.streamer = streamer;
        this.anchor = anchor;
    }

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, byte[] payload) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(payload, "payload");
        if (closed) {
            throw new StreamException(StreamException.Kind.CLOSED, "this stdio producer is closed");
        }
        if (key.isInternal()) {
            throw new StreamException(StreamException.Kind.INVALID_STREAM_KEY,
                    "the stream key " + StreamKey.INTERNAL + " is reserved for backend-internal messages");
        }
        String problem = problem(payload);
        if (problem != null) {
            return CompletableFuture.failedFuture(new StreamException(StreamException.Kind.FORMAT,
                    "cannot print a message to " + key + ": " + problem));
        }
        return streamer.print(key, payload);
    }

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, ShardId shard, byte[] payload) {
        if (!ShardId.ZERO.equals(shard)) {
            throw new StreamException(StreamException.Kind.UNSUPPORTED,
                    "stdio prints no shard (the output line is [timestamp | key | seq] payload): only shard 0 can be sent to");
        }
        return send(key, payload);
    }

    @Override
    public Optional<StreamKey> anchor() {
        return anchor;
    }

    @Override
    public void flush() {
        streamer.flushOutput();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            streamer.flushOutput();
            streamer.forget(this);
        }
    }

    /** Marks the producer closed without flushing (the streamer flushes once for all). */
    void markClosed() {
        closed = true;
    }

    /** Why a payload cannot be printed as one line, or null if it can. */
    static String problem(byte[] payload) {
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == '\n') {
                return "the payload contains a line break at byte " + i
                        + " and the stdio line format has no escaping (it would split into two messages)";
            }
        }
        int bad = Utf8.invalidAt(payload, 0, payload.length);
        if (bad >= 0) {
            return "the payload is not valid UTF-8 (at byte " + bad + "); stdio carries text only";
        }
        return null;
    }

    @Override
    public String toString() {
        return "StdioProducer" + anchor.map(k -> "[" + k + "]").orElse("");
    }
}
