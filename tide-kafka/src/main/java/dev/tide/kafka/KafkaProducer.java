package dev.tide.kafka;

import dev.tide.Producer;
import dev.tide.Receipt;
import dev.tide.StreamException;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Producer} on Kafka, with sends that carry a record key, headers and a timestamp. Every
 * producer of a {@code kafka://} streamer is one ({@link #from}). Thread-safe.
 *
 * <p>Kafka specifics: {@code send(key, shard, payload)} sends to partition {@code shard}; without a shard
 * Kafka's partitioner chooses (by key hash when the record has a key, else a sticky partition per batch;
 * {@code kafka.partitioner.class} changes it). Receipts carry the partition, the offset and the stored
 * timestamp the broker reported (the record's CreateTime, or the broker's LogAppendTime). The producer is
 * idempotent unless {@link KafkaOptions#IDEMPOTENT} is false, so Kafka's retries neither duplicate nor
 * reorder. Sends are batched ({@code kafka.linger.ms}, {@code kafka.batch.size}); nothing is flushed
 * per send.
 *
 * <p>A send does not wait for the broker, with two exceptions of kafka-clients: the first send to a topic
 * waits for its metadata, and a send waits for room when {@code buffer.memory} is full (the
 * producer's backpressure); both are bounded by {@code kafka.max.block.ms}. Receipt futures complete on
 * the client's I/O thread: dependent stages that block should use the {@code *Async} variants.
 */
public interface KafkaProducer extends Producer {

    /**
     * Sends a record.
     *
     * @param record the topic, payload and optional shard, key, headers and timestamp
     * @return the receipt, once the broker has stored the record; fails with
     *     {@link StreamException.Kind#STREAM_KEY_NOT_FOUND} for a partition the topic does not have,
     *     {@link StreamException.Kind#TIMEOUT} when the broker did not acknowledge in time
     * @throws StreamException {@link StreamException.Kind#INVALID_STREAM_KEY} for the reserved key,
     *     {@link StreamException.Kind#CLOSED} after {@link #close()}
     */
    CompletableFuture<Receipt> send(KafkaRecord record);

    /**
     * The Kafka view of a producer.
     *
     * @param producer a producer of a {@code kafka://} streamer
     * @return it, as a {@code KafkaProducer}
     * @throws StreamException {@link StreamException.Kind#UNSUPPORTED} if it is another backend's
     */
    static KafkaProducer from(Producer producer) {
        if (producer instanceof KafkaProducer k) {
            return k;
        }
        throw new StreamException(StreamException.Kind.UNSUPPORTED,
                "not a Kafka producer: " + producer.getClass().getName());
    }
}
