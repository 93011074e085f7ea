package dev.tide.kafka;

import dev.tide.Message;
import dev.tide.MessageHeader;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** A {@link KafkaMessage}: a plain message plus the record's key and headers. */
final class RealKafkaMessage implements KafkaMessage {

    private final Message message;
    private final byte[] recordKey;
    private final List<KafkaHeader> headers;

    /**
     * The message of a consumed record: stream = topic, shard = partition, seq = offset, timestamp = the
     * record's (epoch if it has none), payload = value (empty for a null value).
     */
    static RealKafkaMessage of(ConsumerRecord<byte[], byte[]> r, StreamKey key) {
        MessageHeader header = new MessageHeader(key, ShardId.of(r.partition()), SeqNo.of(r.offset()),
                Instant.ofEpochMilli(Math.max(0, r.timestamp())));
        byte[] value = r.value() == null ? new byte[0] : r.value();
        Header[] raw = r.headers().toArray();
        List<KafkaHeader> headers;
        if (raw.length == 0) {
            headers = List.of();
        } else {
            List<KafkaHeader> list = new ArrayList<>(raw.length);
            for (Header h : raw) {
                list.add(new KafkaHeader(h.key(), h.value() == null ? new byte[0] : h.value()));
            }
            headers = List.copyOf(list);
        }
        return new RealKafkaMessage(Message.of(header, value), r.key(), headers);
    }

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
