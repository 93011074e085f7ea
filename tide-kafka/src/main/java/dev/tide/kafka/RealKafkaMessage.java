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

/**
 * A {@link KafkaMessage}: a plain message plus the record's key and headers.
 *
 * <p>A consumed message keeps its record and builds its header, its plain message and its header list
 * only when asked (each at most once per thread that asks; they are immutable, so a race only builds one
 * twice): a reader that only looks at the payload pays for one object per record.
 */
final class RealKafkaMessage implements KafkaMessage {

    private final ConsumerRecord<byte[], byte[]> record;
    private final StreamKey key;
    private final byte[] recordKey;
    /** The plain message; built from {@link #record} on first use when null. */
    private Message message;
    /** The record's headers; built from {@link #record} on first use when null. */
    private List<KafkaHeader> headers;

    /**
     * The message of a consumed record: stream = topic, shard = partition, seq = offset, timestamp = the
     * record's (epoch if it has none), payload = value (empty for a null value).
     */
    static RealKafkaMessage of(ConsumerRecord<byte[], byte[]> r, StreamKey key) {
        return new RealKafkaMessage(r, key);
    }

    private RealKafkaMessage(ConsumerRecord<byte[], byte[]> record, StreamKey key) {
        this.record = record;
        this.key = key;
        this.recordKey = record.key();
    }

    RealKafkaMessage(Message message, byte[] recordKey, List<KafkaHeader> headers) {
        this.record = null;
        this.key = message.key();
        this.message = message;
        this.recordKey = recordKey;
        this.headers = headers;
    }

    private Message message() {
        Message m = message;
        if (m == null) {
            MessageHeader header = new MessageHeader(key, ShardId.of(record.partition()), SeqNo.of(record.offset()),
                    Instant.ofEpochMilli(Math.max(0, record.timestamp())));
            m = Message.of(header, record.value() == null ? new byte[0] : record.value());
            message = m;
        }
        return m;
    }

    @Override
    public Optional<byte[]> recordKey() {
        return Optional.ofNullable(recordKey);
    }

    @Override
    public List<KafkaHeader> headers() {
        List<KafkaHeader> h = headers;
        if (h == null) {
            Header[] raw = record.headers().toArray();
            if (raw.length == 0) {
                h = List.of();
            } else {
                List<KafkaHeader> list = new ArrayList<>(raw.length);
                for (Header x : raw) {
                    list.add(new KafkaHeader(x.key(), x.value() == null ? new byte[0] : x.value()));
                }
                h = List.copyOf(list);
            }
            headers = h;
        }
        return h;
    }

    @Override
    public MessageHeader header() {
        return message().header();
    }

    @Override
    public int size() {
        Message m = message;
        if (m != null) {
            return m.size();
        }
        byte[] value = record.value();
        return value == null ? 0 : value.length;
    }

    @Override
    public byte byteAt(int index) {
        return message().byteAt(index);
    }

    @Override
    public byte[] bytes() {
        return message().bytes();
    }

    @Override
    public ByteBuffer buffer() {
        return message().buffer();
    }

    @Override
    public String asString() {
        return message().asString();
    }

    @Override
    public boolean isUtf8() {
        return message().isUtf8();
    }

    @Override
    public Message slice(int offset, int length) {
        return new RealKafkaMessage(message().slice(offset, length), recordKey, headers());
    }

    @Override
    public Message withHeader(MessageHeader header) {
        return new RealKafkaMessage(message().withHeader(header), recordKey, headers());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message other && message().equals(other);
    }

    @Override
    public int hashCode() {
        return message().hashCode();
    }

    @Override
    public String toString() {
        return message().toString();
    }
}
