package dev.tide;

import dev.tide.flow.Flow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Reads messages from one or more streams. {@link #next()} and {@link #poll} are thread-safe and may
 * be called from several threads; the positioning calls ({@link #seek}, {@link #rewind},
 * {@link #assign}, {@link #unassign}) should not race with reads.
 *
 * <p>Messages of one stream and shard arrive in order. Positions follow the same rules on every
 * backend: {@code rewind(at(n))} goes to the first message whose sequence number is at least n,
 * {@code seek(t)} to the first message whose timestamp is at least t, and {@code commit(m)} means "m and
 * everything before it on its shard is processed". A backend that cannot do something throws
 * {@link StreamException.Kind#UNSUPPORTED} saying why.
 */
public interface Consumer extends AutoCloseable {

    /**
     * Waits for the next message. Blocks the calling (virtual) thread.
     *
     * @return the next message
     * @throws StreamException {@link StreamException.Kind#ENDED} when the streams have ended,
     *     {@link StreamException.Kind#CLOSED} after {@link #close()},
     *     {@link StreamException.Kind#INTERRUPTED} if interrupted
     */
    Message next();

    /**
     * Waits at most {@code timeout} for the next message.
     *
     * @param timeout how long to wait; zero takes only a message that is already there
     * @return the message, or empty if none came in time
     * @throws StreamException as {@link #next()}
     */
    Optional<Message> poll(Duration timeout);

    /**
     * The messages as a flow: each collection reads from this consumer with {@link #next()} and
     * completes when the streams end ({@link StreamException.Kind#ENDED}). Collecting it does not close
     * the consumer.
     *
     * @return a flow of this consumer's messages
     */
    default Flow<Message> flow() {
        return emitter -> {
            while (true) {
                Message m;
                try {
                    m = next();
                } catch (StreamException e) {
                    if (e.kind() == StreamException.Kind.ENDED) {
                        return;
                    }
                    throw e;
                }
                emitter.emit(m);
            }
        };
    }

    /** The streams this consumer reads. */
    List<StreamKey> keys();

    /**
     * Moves to the first message whose timestamp is at least {@code time}, on every assigned stream
     * and shard (all of them unless {@link #assign} narrowed it).
     *
     * @param time the earliest timestamp to read
     * @throws StreamException {@link StreamException.Kind#UNSUPPORTED} if the backend cannot seek
     */
    void seek(Instant time);

    /**
     * Moves to a position on every assigned stream and shard.
     *
     * @param position {@link SeqPos#BEGINNING}, {@link SeqPos#END} or the first message with a sequence
     *     number at least n
     * @throws StreamException {@link StreamException.Kind#UNSUPPORTED} if the backend cannot rewind
     */
    void rewind(SeqPos position);

    /**
     * Adds a stream shard to those that {@link #seek} and {@link #rewind} apply to (all shards of all
     * streams until the first assign).
     *
     * @param key a stream this consumer reads
     * @param shard the shard
     * @throws StreamException {@link StreamException.Kind#STREAM_KEY_NOT_FOUND} if this consumer does not
     *     read {@code key}
     */
    void assign(StreamKey key, ShardId shard);

    /**
     * Removes a stream shard from those that positioning applies to.
     *
     * @param key a stream this consumer reads
     * @param shard the shard
     * @throws StreamException {@link StreamException.Kind#STREAM_KEY_NOT_FOUND} if it was not assigned,
     *     {@link StreamException.Kind#STREAM_KEY_EMPTY} if it was the last one
     */
    void unassign(StreamKey key, ShardId shard);

    /**
     * Records that {@code message} and everything before it on its stream and shard is processed.
     * Blocks until the backend has stored the commit.
     *
     * @param message a message this consumer received
     * @throws StreamException {@link StreamException.Kind#COMMIT_NOT_ALLOWED} on a
     *     {@link ConsumerMode#REAL_TIME} consumer
     */
    void commit(Message message);

    /**
     * Like {@link #commit}, without waiting: the future completes once the commit is stored.
     *
     * @param message a message this consumer received
     * @return completes when the commit is stored, or exceptionally with a {@link StreamException}
     */
    default CompletableFuture<Void> commitAsync(Message message) {
        try {
            commit(message);
            return CompletableFuture.completedFuture(null);
        } catch (StreamException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Stops reading and releases the consumer. A {@link ConsumerMode#LOAD_BALANCED} member's
     * uncommitted messages go back to its group. Blocked {@link #next()} calls fail with
     * {@link StreamException.Kind#CLOSED}. Closing twice does nothing.
     */
    @Override
    void close();
}
