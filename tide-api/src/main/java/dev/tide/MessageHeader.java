package dev.tide;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a message is and when it was written: its stream, shard, sequence number and timestamp, as the
 * backend stored them.
 *
 * @param key the stream
 * @param shard the shard within the stream
 * @param seq the sequence number within the stream and shard
 * @param timestamp when the backend stored the message
 */
public record MessageHeader(StreamKey key, ShardId shard, SeqNo seq, Instant timestamp) {

    /** Checks that every part is present. */
    public MessageHeader {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(seq, "seq");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    @Override
    public String toString() {
        return "[" + Timestamps.format(timestamp) + " | " + key + " | " + seq + " | " + shard + "]";
    }
}
