package dev.tide.kafka;

import dev.tide.Message;
import dev.tide.MessageHeader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** A {@link KafkaMessage}: a plain message plus the record's key and headers. */
final class RealKafkaMessage implements KafkaMessage {

    private final Message message;
    private final byte[] recordKey;
    private final List<KafkaHeader> headers;

    RealKafkaMessage(Message message, byte[] recordKey, List<KafkaHeader> headers) {
        this.message = message;
        this.recordKey = recordKey;
        this.headers = headers;
    }

    @Override
    public Optional<byte[]> recordKey() {
        return Optional.ofNullable(recordKey);
    }

    @Override
    public List<KafkaHeader> headers() {
        return headers;
    }

    @Override
    public MessageHeader header() {
        return message.header();
    }

    @Override
    public int size() {
        return message.size();
    }

    @Override
    public byte byteAt(int index) {
        return message.byteAt(index);
    }

    @Override
    public byte[] bytes() {
        return message.bytes();
    }

    @Override
    public ByteBuffer buffer() {
        return message.buffer();
    }

    @Override
    public String asString() {
        return message.asString();
    }

    @Override
    public boolean isUtf8() {
        return message.isUtf8();
    }

    @Override
    public Message slice(int offset, int length) {
        return new RealKafkaMessage(message.slice(offset, length), recordKey, headers);
    }

    @Override
    public Message withHeader(MessageHeader header) {
        return new RealKafkaMessage(message.withHeader(header), recordKey, headers);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message other && message.equals(other);
    }

    @Override
    public int hashCode() {
        return message.hashCode();
    }

    @Override
    public String toString() {
        return message.toString();
    }
}
