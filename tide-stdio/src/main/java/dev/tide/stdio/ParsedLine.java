package dev.tide.stdio;

import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** What {@link LineParser} makes of one input line: the header parts and payload, or why it was rejected. */
sealed interface ParsedLine {

    /**
     * An accepted line. Absent parts take their defaults when the line is dispatched: now, the
     * {@code broadcast} key (with broadcast delivery), the next sequence number of the stream and shard,
     * shard 0.
     *
     * @param timestamp the {@code [timestamp | …]} part, if given
     * @param key the stream key part, if given
     * @param seq the sequence number part, if given
     * @param shard the shard part, if given
     * @param payloadOffset where the payload starts in the parsed byte array
     * @param payloadLength the payload's length in bytes
     */
    record Parsed(Optional<Instant> timestamp, Optional<StreamKey> key, Optional<SeqNo> seq, Optional<ShardId> shard,
            int payloadOffset, int payloadLength) implements ParsedLine {

        /** Checks every part is present (possibly empty). */
        public Parsed {
            Objects.requireNonNull(timestamp, "timestamp");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(seq, "seq");
            Objects.requireNonNull(shard, "shard");
        }
    }

    /**
     * A rejected line.
     *
     * @param reason SeaStreamer's message, such as {@code Unknown part: abc}, or the UTF-8 problem
     */
    record Malformed(String reason) implements ParsedLine {

        /** Checks the reason is present. */
        public Malformed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
