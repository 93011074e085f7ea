package dev.tide.redis;

/**
 * When a {@link dev.tide.ConsumerMode#RESUMABLE} or {@link dev.tide.ConsumerMode#LOAD_BALANCED} consumer
 * acknowledges (XACK) the messages it received, set with {@link RedisOptions#AUTO_COMMIT}. A
 * {@link dev.tide.ConsumerMode#REAL_TIME} consumer keeps no commits and ignores this setting.
 *
 * <p>In every mode {@link dev.tide.Consumer#commit} acknowledges a message and everything before it on
 * its shard at once (SeaStreamer refuses a manual commit in some modes; Tide does not).
 */
public enum AutoCommit {
    /**
     * Reads with {@code XREADGROUP … NOACK}: a message counts as processed as soon as Redis hands it out.
     * Fastest, at-most-once; pages are fetched only when the application asks for a message.
     */
    IMMEDIATE,
    /**
     * The default: every message that {@link dev.tide.Consumer#next()} returned is acknowledged once
     * {@link RedisOptions#AUTO_COMMIT_DELAY} has passed (as Kafka's auto commit). Closing the consumer
     * acknowledges those whose delay has passed, not the others: a message received just before closing
     * and not committed is delivered again (SeaStreamer acknowledges all of them). Pages are prefetched.
     */
    DELAYED,
    /**
     * The application marks messages with {@link RedisConsumer#ack}; marked messages are acknowledged
     * in the background every {@link RedisOptions#AUTO_COMMIT_INTERVAL}, or as soon as a page's worth
     * ({@link RedisOptions#BATCH_SIZE}) is marked, and when the consumer is closed. Pages are prefetched.
     */
    ROLLING,
    /**
     * Nothing is acknowledged unless the application calls {@link dev.tide.Consumer#commit} or
     * {@link RedisConsumer#commitAcks()}; closing does not acknowledge. Pages are fetched only when the
     * application asks for a message, so members of a group share work evenly.
     */
    DISABLED
}
