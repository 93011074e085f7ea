package dev.tide.tck;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a backend under test can do. The conformance suite checks every {@link Feature} both ways: where
 * the backend claims it, the scenarios check the behaviour the feature promises; where it does not, they
 * check the documented behaviour of its absence (each flag below states both), mostly that the call fails
 * with {@link dev.tide.StreamException.Kind#UNSUPPORTED} and leaves the consumer or producer usable.
 * Nothing is skipped, so a claim that is too small fails just as one that is too large. Immutable and
 * thread-safe.
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

    /**
     * One thing a backend may or may not do. Each flag says what the suite checks with it and without it.
     * "Reads on" means a marker message sent afterwards is the next one the consumer receives.
     */
    public enum Feature {
        /**
         * With: a {@code REAL_TIME} consumer with {@link dev.tide.StreamReset#LATEST} (the default)
         * receives only messages sent after it was created (and
         * {@link AbstractStreamerConformanceTest#awaitReady} returned). Without: it may also receive some
         * of the messages sent before, but only the latest ones, in order, ahead of the newer ones.
         */
        LATEST_START,
        /**
         * With: a consumer with {@link dev.tide.StreamReset#EARLIEST} ({@code REAL_TIME}, or a new
         * {@code RESUMABLE} or {@code LOAD_BALANCED} group) replays the messages stored before it was
         * created, then continues live. Without: it starts like {@code LATEST}, with the messages sent after
         * it was ready.
         */
        EARLIEST_REPLAY,
        /**
         * With: the data outlives the connection: messages and commits are still there after closing the
         * {@link dev.tide.Streamer} and connecting again ({@link AbstractStreamerConformanceTest#restart});
         * the suite reads the old messages with an {@code EARLIEST} consumer ({@link #EARLIEST_REPLAY}) or,
         * failing that, {@link #REWIND}, and fails if the backend has neither. Without: after a restart an
         * {@code EARLIEST} consumer starts with the messages sent after it was ready.
         */
        PERSISTENT,
        /**
         * With: a receipt carries exactly the header (key, shard, sequence number, timestamp) consumers
         * later see for that message, receipts of one producer in increasing sequence order. Without: a
         * receipt still names the stream and shard the message went to; its sequence number and timestamp
         * are not checked.
         */
        REAL_RECEIPTS,
        /**
         * With: sequence numbers of one stream and shard are contiguous: each message's is the previous
         * one's plus one. Without (Redis, whose numbers come from time-based entry ids): they still strictly
         * increase within each shard.
         */
        CONTIGUOUS_SEQ,
        /**
         * With: payloads may be any bytes, including none, newlines and invalid UTF-8, and arrive byte for
         * byte. Without (stdio): payloads are UTF-8 text without line breaks; {@code send} of anything else
         * does not throw but returns a receipt future that fails with
         * {@link dev.tide.StreamException.Kind#FORMAT}, nothing is delivered, and the producer goes on.
         */
        BINARY_PAYLOADS,
        /**
         * With: {@link dev.tide.Consumer#seek} moves to the first message whose timestamp is at least t.
         * Without: {@code seek} throws {@link dev.tide.StreamException.Kind#UNSUPPORTED} and the consumer
         * reads on from where it was.
         */
        SEEK_BY_TIME,
        /**
         * With: {@link dev.tide.Consumer#rewind}: {@code BEGINNING}, {@code END} and {@code at(n)} = the first
         * message whose sequence number is at least n, on every shard unless some are assigned. Without:
         * each of the three throws {@link dev.tide.StreamException.Kind#UNSUPPORTED} and the consumer reads
         * on from where it was.
         */
        REWIND,
        /**
         * With: a stream has several shards: messages sent to different shards are stored and delivered with
         * their shard, each shard with its own order and sequence numbers, a shard that gets its first
         * message late is still read, and {@link dev.tide.Consumer#assign} narrows seek and rewind to some
         * shards. The suite needs {@link #EXPLICIT_SHARD_SEND} as well to put messages on chosen shards.
         * Without (or without {@link #EXPLICIT_SHARD_SEND}): a stream has only shard 0; a send that names
         * another shard throws {@link dev.tide.StreamException.Kind#UNSUPPORTED}, and one that names shard
         * 0 is delivered with shard 0.
         */
        SHARDS,
        /**
         * With: {@link dev.tide.Producer#send(dev.tide.StreamKey, dev.tide.ShardId, byte[])} puts a message on
         * the given shard. Without: that call throws {@link dev.tide.StreamException.Kind#UNSUPPORTED} for
         * any shard but 0, naming shard 0 is the same as naming none, and the producer goes on.
         */
        EXPLICIT_SHARD_SEND,
        /**
         * With: {@link dev.tide.ConsumerMode#RESUMABLE}: a consumer resumes after its group's last commit on
         * each shard when it is created again (after {@link AbstractStreamerConformanceTest#restart} when
         * {@link #PERSISTENT}); without a commit it starts per its reset; without a group it uses the host
         * default. Without: creating a {@code RESUMABLE} consumer, with or without a group, throws
         * {@link dev.tide.StreamException.Kind#UNSUPPORTED} and the connection still serves.
         */
        RESUMABLE,
        /**
         * With: {@link dev.tide.ConsumerMode#LOAD_BALANCED}: the members of a group share the group's
         * streams, each message going to exactly one member and every member getting a share; a new group
         * starts per its reset. Without: creating a {@code LOAD_BALANCED} consumer throws
         * {@link dev.tide.StreamException.Kind#UNSUPPORTED} ({@code CONSUMER_GROUP_NOT_SET} is also accepted
         * when no group is given), and none of the group refinements ({@link #TAKEOVER_ON_CLOSE},
         * {@link #GROUP_OUTLIVES_MEMBERS}, {@link #GROUP_ROUND_ROBIN_BY_SEQ}) may be claimed.
         */
        LOAD_BALANCED,
        /**
         * With: a {@code LOAD_BALANCED} group keeps its place when all its members have left: a member
         * joining later resumes after the group's commits and receives what was sent meanwhile. Without
         * (stdio, which stores nothing): what was sent while the group had no member reaches none of its
         * later members; a new member starts with what is sent after it joined.
         */
        GROUP_OUTLIVES_MEMBERS,
        /**
         * With: closing a {@code LOAD_BALANCED} member hands its uncommitted messages, received or not, to the
         * remaining members (within {@link AbstractStreamerConformanceTest#patience()}). Without: messages
         * the closed member had received never reach the others (a backend may still hand over those it had
         * not received yet, as stdio does); each message still reaches at most one member.
         */
        TAKEOVER_ON_CLOSE,
        /**
         * With: a group splits messages by sequence number: of n members (in creation order), member
         * {@code seq % n} receives the message (SeaStreamer's stdio and file rule). Without: only the
         * generic split is checked: each message reaches exactly one member and every member gets a share.
         */
        GROUP_ROUND_ROBIN_BY_SEQ,
        /**
         * With: backend options with the backend's prefix and an unknown name fail with
         * {@link dev.tide.StreamException.Kind#INVALID_OPTION} naming the option, for consumers and producers.
         * Without (Kafka passes unknown {@code kafka.*} names through to its client): such an option is
         * accepted, and a consumer and a producer made with it work.
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
