package dev.tide.redis;

import dev.tide.Producer;
import dev.tide.StreamKey;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Producer} of the Redis backend, with stream trimming. Every producer that a {@code redis://}
 * or {@code rediss://} streamer creates is one: {@code (RedisProducer) streamer.producer()}.
 *
 * <p>Sends are pipelined on the producer's own connection: {@code send} queues the message and returns
 * at once; a sender thread writes queued messages as {@code XADD <key> * <field> <payload>} in batches of
 * up to {@link RedisOptions#BATCH_SIZE} commands, flushing each batch in one write, with up to
 * {@link RedisOptions#MAX_IN_FLIGHT} commands waiting for their answers. Receipts complete on the
 * client's I/O thread: chain blocking work with the {@code *Async} methods of
 * {@link CompletableFuture}.
 */
public interface RedisProducer extends Producer {

    /**
     * Trims a stream to about {@code maxLength} entries per shard ({@code XTRIM <key> MAXLEN [~] n} on the
     * plain key and on every shard key {@code key:N}), after the messages sent before this call are
     * stored. Does not block.
     *
     * @param key the stream
     * @param maxLength the entries to keep per shard key
     * @param exact true for exactly {@code maxLength}; false lets Redis keep a few more, which is cheaper
     *     (SeaStreamer trims approximately)
     * @return the number of entries removed, once done
     * @throws dev.tide.StreamException {@link dev.tide.StreamException.Kind#CLOSED} after {@link #close()}
     */
    CompletableFuture<Long> trimMaxLength(StreamKey key, long maxLength, boolean exact);

    /**
     * Removes a stream's entries older than {@code minTimestamp} ({@code XTRIM <key> MINID [~] <ms>} on the
     * plain key and on every shard key), after the messages sent before this call are stored. Does not block.
     *
     * @param key the stream
     * @param minTimestamp entries with an earlier timestamp are removed
     * @param exact true to remove every such entry; false lets Redis keep a few, which is cheaper
     * @return the number of entries removed, once done
     * @throws dev.tide.StreamException {@link dev.tide.StreamException.Kind#CLOSED} after {@link #close()}
     */
    CompletableFuture<Long> trimMinTimestamp(StreamKey key, Instant minTimestamp, boolean exact);
}
