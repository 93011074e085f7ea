package dev.tide.kafka;

import dev.tide.Message;
import java.util.List;
import java.util.Optional;

/**
 * A message read from Kafka, with the record's key and headers besides the {@link Message} parts
 * (stream = topic, shard = partition, sequence number = offset, timestamp = the record's). Every message
 * a Kafka consumer returns is one; {@link #from} reads the Kafka parts of any message. Immutable and
 * thread-safe.
 */
public interface KafkaMessage extends Message {

    /** The record key, if the record had one. */
    Optional<byte[]> recordKey();

    /** The record headers, in order. */
    List<KafkaHeader> headers();

    /**
     * The first header with the given name.
     *
     * @param name the header's name
     * @return its value, if present
     */
    default Optional<byte[]> header(String name) {
        return headers().stream().filter(h -> h.name().equals(name)).map(KafkaHeader::value).findFirst();
    }

    /**
     * The Kafka view of a message.
     *
     * @param message a message, usually from a Kafka consumer
     * @return the message itself if it is a {@code KafkaMessage}, else empty
     */
    static Optional<KafkaMessage> from(Message message) {
        return message instanceof KafkaMessage k ? Optional.of(k) : Optional.empty();
    }
}
