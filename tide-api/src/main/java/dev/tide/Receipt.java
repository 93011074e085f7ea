package dev.tide;

import java.time.Instant;
import java.util.Objects;

/**
 * What a backend reports once it has stored a sent message: where it is and when, as stored (the
 * real sequence number or offset, the real shard, the backend's timestamp).
 *
 * @param key the stream
 * @param shard the shard the message went to
 * @param seq its sequence number
 * @param timestamp its stored timestamp
 */
public record Receipt(StreamKey key, ShardId shard, SeqNo seq, Instant timestamp) {

    /** Checks that every part is present. */
    public Receipt {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(seq, "seq");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /**
     * The receipt for a stored message.
     *
     * @param header the stored message's header
     * @return the receipt
     */
    public static Receipt of(MessageHeader header) {
        return new Receipt(header.key(), header.shard(), header.seq(), header.timestamp());
    }

    /** The same facts as a message header. */
    public MessageHeader header() {
        return new MessageHeader(key, shard, seq, timestamp);
    }
}
