package dev.tide.kafka;

import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to send with Kafka's own parts: a record key (which picks the partition through the
 * producer's partitioner unless a shard is given), headers and an explicit timestamp. Immutable; the
 * {@code with*} methods return new records. Arrays are not copied.
 * <pre>{@code
 * producer.send(KafkaRecord.of(orders, payload).withKey("customer-42").withHeader(KafkaHeader.of("type", "created")));
 * }</pre>
 *
 * @param topic the stream
 * @param shard the partition, or empty to let the partitioner choose (by key hash when there is a key)
 * @param key the record key, if any
 * @param headers the headers, in order
 * @param timestamp the record's timestamp, or empty for the send time (for a {@code CreateTime} topic)
 * @param payload the record value
 */
public record KafkaRecord(StreamKey topic, Optional<ShardId> shard, Optional<byte[]> key, List<KafkaHeader> headers,
                          Optional<Instant> timestamp, byte[] payload) {

    /** Checks every part is present and copies the header list. */
    public KafkaRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(key, "key");
        headers = List.copyOf(headers);
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(payload, "payload");
    }

    /**
     * A record with only a topic and a payload.
     *
     * @param topic the stream
     * @param payload the value
     * @return the record
     */
    public static KafkaRecord of(StreamKey topic, byte[] payload) {
        return new KafkaRecord(topic, Optional.empty(), Optional.empty(), List.of(), Optional.empty(), payload);
    }

    /**
     * A record with a UTF-8 text payload.
     *
     * @param topic the stream
     * @param payload the text
     * @return the record
     */
    public static KafkaRecord of(StreamKey topic, String payload) {
        return of(topic, payload.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * This record sent to one partition.
     *
     * @param shard the partition
     * @return the new record
     */
    public KafkaRecord withShard(ShardId shard) {
        return new KafkaRecord(topic, Optional.of(shard), key, headers, timestamp, payload);
    }

    /**
     * This record with a key.
     *
     * @param key the key's bytes
     * @return the new record
     */
    public KafkaRecord withKey(byte[] key) {
        return new KafkaRecord(topic, shard, Optional.of(key), headers, timestamp, payload);
    }

    /**
     * This record with a UTF-8 text key.
     *
     * @param key the key
     * @return the new record
     */
    public KafkaRecord withKey(String key) {
        return withKey(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * This record with one more header.
     *
     * @param header the header
     * @return the new record
     */
    public KafkaRecord withHeader(KafkaHeader header) {
        List<KafkaHeader> more = new ArrayList<>(headers);
        more.add(header);
        return new KafkaRecord(topic, shard, key, more, timestamp, payload);
    }

    /**
     * This record with an explicit timestamp (stored as is on a {@code CreateTime} topic, replaced by the
     * broker's on a {@code LogAppendTime} topic; the receipt says which).
     *
     * @param timestamp the timestamp, millisecond precision
     * @return the new record
     */
    public KafkaRecord withTimestamp(Instant timestamp) {
        return new KafkaRecord(topic, shard, key, headers, Optional.of(timestamp), payload);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaRecord r && topic.equals(r.topic) && shard.equals(r.shard)
                && java.util.Arrays.equals(key.orElse(null), r.key.orElse(null)) && headers.equals(r.headers)
                && timestamp.equals(r.timestamp) && java.util.Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, shard, headers, timestamp) * 31 + java.util.Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "KafkaRecord[" + topic + shard.map(s -> "#" + s).orElse("") + ", " + payload.length + " bytes"
                + (headers.isEmpty() ? "" : ", headers=" + headers) + "]";
    }
}
