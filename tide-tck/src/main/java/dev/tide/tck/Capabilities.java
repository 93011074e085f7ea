package dev.tide.tck;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a backend under test can do: the conformance suite runs the scenarios of every {@link Feature}
 * the backend has and, for a feature it lacks, checks that the call fails with
 * {@link dev.tide.StreamException.Kind#UNSUPPORTED} where the API says so. Immutable and thread-safe.
 *
 * <p>Start from {@link #all()} (everything the in-memory reference backend does) and remove what the
 * backend lacks, or from {@link #none()} and add:
 * <pre>{@code
 * Capabilities.all().without(Feature.SEEK_BY_TIME, Feature.REWIND).firstSeq(0)
 * }</pre>
 *
 * @param features what the backend can do
 * @param firstSeq the sequence number of the first message of a new stream (and shard), when the
 *     backend fixes one (mem and file: 1, stdio and Kafka: 0; Redis: none)
 * @param timestampResolution the granularity of stored timestamps: messages stored within one such
 *     step may carry equal timestamps (1 ms for file, Redis and Kafka; 1 ns for mem)
 */
public record Capabilities(Set<Feature> features, OptionalLong firstSeq, Duration timestampResolution) {

    /** One thing a backend may or may not do. */
    public enum Feature {
        /**
         * A {@code REAL_TIME} consumer with {@link dev.tide.StreamReset#LATEST} (the default) receives only
         * messages sent after it was created (and {@link AbstractStreamerConformanceTest#awaitReady}
         * returned).
         */
        LATEST_START,
        /**
         * A consumer with {@link dev.tide.StreamReset#EARLIEST} replays the messages stored before it was
         * created.
         */
        EARLIEST_REPLAY,
        /**
         * The data outlives the connection: messages and commits are still there after closing the
         * {@link dev.tide.Streamer} and connecting again ({@link AbstractStreamerConformanceTest#restart}).
         */
        PERSISTENT,
        /**
         * A receipt carries exactly the header (key, shard, sequence number, timestamp) consumers later
         * see for that message.
         */
        REAL_RECEIPTS,
        /**
         * Sequence numbers of one stream and shard are contiguous: each message's is the previous one's
         * plus one (not so on Redis, whose numbers come from time-based entry ids).
         */
        CONTIGUOUS_SEQ,
        /** Payloads may be any bytes, including newlines and invalid UTF-8 (not so on stdio). */
        BINARY_PAYLOADS,
        /** {@link dev.tide.Consumer#seek}: the first message whose timestamp is at least t. */
        SEEK_BY_TIME,
        /**
         * {@link dev.tide.Consumer#rewind}: {@code BEGINNING}, {@code END} and {@code at(n)} = the first
         * message whose sequence number is at least n.
         */
        REWIND,
        /**
         * A stream has several shards: messages sent to different shards are stored and delivered with
         * their shard, each shard with its own order and sequence numbers, and
         * {@link dev.tide.Consumer#assign} narrows seek and rewind to some of them. The suite's shard
         * scenarios also need {@link #EXPLICIT_SHARD_SEND} to put messages on a chosen shard.
         */
        SHARDS,
        /** {@link dev.tide.Producer#send(dev.tide.StreamKey, dev.tide.ShardId, byte[])} puts a message on the given shard. */
        EXPLICIT_SHARD_SEND,
        /**
         * {@link dev.tide.ConsumerMode#RESUMABLE}: a consumer resumes after its group's last commit when it
         * is created again (after {@link AbstractStreamerConformanceTest#restart} when {@link #PERSISTENT}).
         */
        RESUMABLE,
        /**
         * {@link dev.tide.ConsumerMode#LOAD_BALANCED}: the members of a group share the group's streams,
         * each message going to one member.
         */
        LOAD_BALANCED,
        /**
         * A {@code LOAD_BALANCED} group keeps its place when all its members have left: a member joining
         * later resumes after the group's commits and receives what was sent meanwhile (not so on stdio,
         * which stores nothing).
         */
        GROUP_OUTLIVES_MEMBERS,
        /**
         * Closing a {@code LOAD_BALANCED} member hands its uncommitted messages to the remaining members
         * (within {@link AbstractStreamerConformanceTest#patience()}).
         */
        TAKEOVER_ON_CLOSE,
        /**
         * A group splits messages by sequence number: of n members (in creation order), member
         * {@code seq % n} receives the message (SeaStreamer's stdio and file rule). Without this flag
         * the suite only checks that each message reaches exactly one member and that every member gets
         * a share.
         */
        GROUP_ROUND_ROBIN_BY_SEQ,
        /**
         * Backend options with the backend's prefix and an unknown name fail with
         * {@link dev.tide.StreamException.Kind#INVALID_OPTION} naming the option (Kafka passes unknown
         * {@code kafka.*} names through to its client instead).
         */
        REJECTS_UNKNOWN_OPTIONS
    }

    /** Copies the feature set and checks the resolution is positive. */
    public Capabilities {
        features = Collections.unmodifiableSet(features.isEmpty()
                ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(features));
        Objects.requireNonNull(firstSeq, "firstSeq");
        if (timestampResolution.isNegative() || timestampResolution.isZero()) {
            throw new IllegalArgumentException("timestamp resolution must be positive: " + timestampResolution);
        }
    }

    /** Every feature, first sequence number 1, nanosecond timestamps: the in-memory backend. */
    public static Capabilities all() {
        return new Capabilities(EnumSet.allOf(Feature.class), OptionalLong.of(1), Duration.ofNanos(1));
    }

    /** No feature, no fixed first sequence number, millisecond timestamps. */
    public static Capabilities none() {
        return new Capabilities(EnumSet.noneOf(Feature.class), OptionalLong.empty(), Duration.ofMillis(1));
    }

    /**
     * These capabilities with some features added.
     *
     * @param more the features to add
     * @return the new capabilities
     */
    public Capabilities with(Feature... more) {
        EnumSet<Feature> set = features.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(features);
        set.addAll(Arrays.asList(more));
        return new Capabilities(set, firstSeq, timestampResolution);
    }

    /**
     * These capabilities with some features removed.
     *
     * @param less the features to remove
     * @return the new capabilities
     */
    public Capabilities without(Feature... less) {
        EnumSet<Feature> set = features.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(features);
        Arrays.asList(less).forEach(set::remove);
        return new Capabilities(set, firstSeq, timestampResolution);
    }

    /**
     * These capabilities with a fixed first sequence number.
     *
     * @param seq the sequence number of the first message of a new stream and shard
     * @return the new capabilities
     */
    public Capabilities firstSeq(long seq) {
        return new Capabilities(features, OptionalLong.of(seq), timestampResolution);
    }

    /**
     * These capabilities without a fixed first sequence number.
     *
     * @return the new capabilities
     */
    public Capabilities noFixedFirstSeq() {
        return new Capabilities(features, OptionalLong.empty(), timestampResolution);
    }

    /**
     * These capabilities with another timestamp resolution.
     *
     * @param resolution positive
     * @return the new capabilities
     */
    public Capabilities timestampResolution(Duration resolution) {
        return new Capabilities(features, firstSeq, resolution);
    }

    /**
     * Whether the backend has a feature.
     *
     * @param feature the feature
     * @return true if it does
     */
    public boolean has(Feature feature) {
        return features.contains(feature);
    }

    /**
     * Whether the backend has all the given features.
     *
     * @param all the features
     * @return true if it has every one
     */
    public boolean hasAll(Feature... all) {
        return features.containsAll(Arrays.asList(all));
    }
}
