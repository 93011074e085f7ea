package dev.tide;

import dev.tide.flow.Sink;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Sends messages to streams. Thread-safe: many threads may share one producer.
 *
 * <p>{@code send} never waits for the network: it hands the message to the backend and returns a
 * future of its {@link Receipt}, completed once the backend has stored it, or completed exceptionally
 * with a {@link StreamException}. Messages sent by one producer to one stream (and shard) are stored in
 * send order. Payload arrays are not copied and must not be modified after sending.
 *
 * <p>A producer may be anchored to one stream, so {@link #send(byte[])} needs no key. As a
 * {@link Sink}, a producer sends each written payload to its anchor stream.
 *
 * <p>This interface leaves out transactions and per-message headers: backends that have them offer
 * them through their own options.
 */
public interface Producer extends Sink<byte[]>, AutoCloseable {

    /**
     * Sends a payload to a stream; the backend chooses the shard (shard 0 unless a sharder is configured).
     *
     * @param key the stream
     * @param payload the bytes
     * @return the receipt, once stored
     * @throws StreamException {@link StreamException.Kind#INVALID_STREAM_KEY} for the reserved key,
     *     {@link StreamException.Kind#CLOSED} after {@link #close()}
     */
    CompletableFuture<Receipt> send(StreamKey key, byte[] payload);

    /**
     * Sends a payload to one shard of a stream.
     *
     * @param key the stream
     * @param shard the shard
     * @param payload the bytes
     * @return the receipt, once stored
     * @throws StreamException {@link StreamException.Kind#UNSUPPORTED} if the backend has no shards,
     *     {@link StreamException.Kind#CLOSED} after {@link #close()}
     */
    CompletableFuture<Receipt> send(StreamKey key, ShardId shard, byte[] payload);

    /** The stream this producer is anchored to, if any. */
    Optional<StreamKey> anchor();

    /**
     * Blocks until every message sent before the call is stored (or has failed).
     *
     * @throws StreamException {@link StreamException.Kind#INTERRUPTED} if interrupted while waiting
     */
    void flush();

    /**
     * Flushes, then releases the producer. Sends after closing fail with
     * {@link StreamException.Kind#CLOSED}. Closing twice does nothing.
     */
    @Override
    void close();

    /**
     * Sends a payload to the anchor stream.
     *
     * @param payload the bytes
     * @return the receipt, once stored
     * @throws StreamException {@link StreamException.Kind#NOT_ANCHORED} if there is no anchor
     */
    default CompletableFuture<Receipt> send(byte[] payload) {
        return send(anchorOrThrow(), payload);
    }

    /**
     * Sends text, encoded as UTF-8, to the anchor stream.
     *
     * @param payload the text
     * @return the receipt, once stored
     * @throws StreamException {@link StreamException.Kind#NOT_ANCHORED} if there is no anchor
     */
    default CompletableFuture<Receipt> send(String payload) {
        return send(payload.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends text, encoded as UTF-8, to a stream.
     *
     * @param key the stream
     * @param payload the text
     * @return the receipt, once stored
     */
    default CompletableFuture<Receipt> send(StreamKey key, String payload) {
        return send(key, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the payload to the anchor stream, without waiting for the receipt. */
    @Override
    default void write(byte[] payload) {
        send(payload);
    }

    private StreamKey anchorOrThrow() {
        return anchor().orElseThrow(() -> new StreamException(StreamException.Kind.NOT_ANCHORED,
                "this producer is not anchored to a stream: name the stream in send(key, payload)"));
    }
}
