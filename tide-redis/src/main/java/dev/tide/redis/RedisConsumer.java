package dev.tide.redis;

import dev.tide.Consumer;
import dev.tide.Message;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link Consumer} of the Redis backend, with per-message acknowledgement for the
 * {@link AutoCommit#ROLLING} and {@link AutoCommit#DISABLED} modes. Every consumer that a
 * {@code redis://} or {@code rediss://} streamer creates is one.
 *
 * <p>{@link #commit(Message)} acknowledges the message and everything this consumer received before it
 * on the same stream and shard ({@code XACK}), in every group mode; {@link #ack} marks one message, for
 * applications that finish messages out of order.
 */
public interface RedisConsumer extends Consumer {

    /**
     * Marks a message as processed. In {@link AutoCommit#ROLLING} (and {@link AutoCommit#DELAYED}) mode
     * the mark is sent in the background; in {@link AutoCommit#DISABLED} mode with the next
     * {@link #commitAcks()} or {@link #commit(Message)}. Does not block.
     *
     * @param message a message this consumer received
     * @throws dev.tide.StreamException {@link dev.tide.StreamException.Kind#COMMIT_NOT_ALLOWED} on a
     *     {@link dev.tide.ConsumerMode#REAL_TIME} consumer
     */
    void ack(Message message);

    /**
     * Sends every mark made with {@link #ack} ({@code XACK}). Blocks until Redis has stored them.
     *
     * @throws dev.tide.StreamException {@link dev.tide.StreamException.Kind#COMMIT_NOT_ALLOWED} on a
     *     {@link dev.tide.ConsumerMode#REAL_TIME} consumer; {@link dev.tide.StreamException.Kind#CONNECT},
     *     {@link dev.tide.StreamException.Kind#TIMEOUT} or {@link dev.tide.StreamException.Kind#BACKEND}
     *     if Redis did not store them (they stay marked)
     */
    void commitAcks();

    /** This consumer's name within its group; empty for a {@link dev.tide.ConsumerMode#REAL_TIME} consumer. */
    Optional<String> consumerName();

    /**
     * The shards this consumer reads now, per stream, including those discovered since it started.
     *
     * @return stream → its shards, in order
     */
    Map<StreamKey, List<ShardId>> shards();
}
