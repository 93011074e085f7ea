package dev.tide.kafka;

import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A producer: one kafka-clients producer, which is thread-safe itself, so this class needs no lock.
 * {@code send} hands the record to the client's accumulator and completes the receipt future from the
 * client's I/O thread; batching ({@code linger.ms}, {@code batch.size}) does the rest.
 */
final class RealKafkaProducer implements KafkaProducer {

    private final RealKafkaStreamer streamer;
    private final Optional<StreamKey> anchor;
    private final org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> client;
    private final Duration closeTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RealKafkaProducer(RealKafkaStreamer streamer, Optional<StreamKey> anchor,
                              org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> client, Duration closeTimeout) {
        this.streamer = streamer;
        this.anchor = anchor;
        this.client = client;
        this.closeTimeout = closeTimeout;
    }

    static RealKafkaProducer create(RealKafkaStreamer streamer, Optional<StreamKey> anchor, ProducerOptions options) {
        streamer.ensureOpen();
        anchor.ifPresent(RealKafkaProducer::checkKey);
        boolean idempotent = options.get(KafkaOptions.IDEMPOTENT);
        Map<String, Object> props = streamer.config().client(Map.of(), ClientConfig.passThrough(options.withPrefix(KafkaOptions.PREFIX)));
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotent));
        if (idempotent) {
            props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        }
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> client;
        try {
            client = new org.apache.kafka.clients.producer.KafkaProducer<>(props);
        } catch (RuntimeException e) {
            throw Errors.translate(e, "creating a Kafka producer");
        }
        return new RealKafkaProducer(streamer, anchor, client, options.get(KafkaOptions.CLOSE_TIMEOUT));
    }

    private static void checkKey(StreamKey key) {
        if (key.isInternal()) {
            throw new StreamException(StreamException.Kind.INVALID_STREAM_KEY,
                    "the stream key " + StreamKey.INTERNAL + " is reserved and cannot be sent to");
        }
    }

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, byte[] payload) {
        return send(key, null, null, null, null, payload);
    }

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, ShardId shard, byte[] payload) {
        return send(key, partition(shard), null, null, null, payload);
    }

    @Override
    public CompletableFuture<Receipt> send(KafkaRecord record) {
        List<Header> headers = null;
        if (!record.headers().isEmpty()) {
            headers = new ArrayList<>(record.headers().size());
            for (KafkaHeader h : record.headers()) {
                headers.add(new RecordHeader(h.name(), h.value()));
            }
        }
        return send(record.topic(), record.shard().map(RealKafkaProducer::partition).orElse(null),
                record.key().orElse(null), headers, record.timestamp().map(Instant::toEpochMilli).orElse(null), record.payload());
    }

    private static Integer partition(ShardId shard) {
        if (shard.id() < 0 || shard.id() > Integer.MAX_VALUE) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                    "Kafka partitions are 0 to " + Integer.MAX_VALUE + "; there is no partition " + shard);
        }
        return (int) shard.id();
    }

    private CompletableFuture<Receipt> send(StreamKey key, Integer partition, byte[] recordKey, List<Header> headers,
                                            Long timestamp, byte[] payload) {
        checkKey(key);
        if (closed.get()) {
            throw closedError();
        }
        CompletableFuture<Receipt> receipt = new CompletableFuture<>();
        if (partition != null) {
            // kafka-clients would wait up to max.block.ms for a partition its metadata lacks; fail fast instead.
            int count;
            try {
                count = client.partitionsFor(key.name()).size();
            } catch (RuntimeException e) {
                receipt.completeExceptionally(Errors.translate(e, "looking up the partitions of " + key));
                return receipt;
            }
            if (partition >= count) {
                receipt.completeExceptionally(new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                        "topic " + key + " has " + count + " partition" + (count == 1 ? "" : "s") + "; there is no shard " + partition));
                return receipt;
            }
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(key.name(), partition, timestamp, recordKey, payload, headers);
        try {
            client.send(record, (metadata, failure) -> {
                if (failure != null) {
                    receipt.completeExceptionally(Errors.translate(failure, "sending to " + key));
                } else {
                    receipt.complete(new Receipt(key, ShardId.of(metadata.partition()),
                            SeqNo.of(metadata.offset()), Instant.ofEpochMilli(metadata.timestamp())));
                }
            });
        } catch (IllegalStateException e) {
            if (closed.get()) {
                throw closedError();
            }
            receipt.completeExceptionally(Errors.translate(e, "sending to " + key));
        } catch (RuntimeException e) {
            receipt.completeExceptionally(Errors.translate(e, "sending to " + key));
        }
        return receipt;
    }

    @Override
    public Optional<StreamKey> anchor() {
        return anchor;
    }

    @Override
    public void flush() {
        if (closed.get()) {
            return;
        }
        try {
            client.flush();
        } catch (RuntimeException e) {
            throw Errors.translate(e, "flushing the producer");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        streamer.forget(this);
        try {
            client.flush();
        } catch (RuntimeException e) {
            // the client reports failures through the receipts; closing goes on
        } finally {
            client.close(closeTimeout);
        }
    }

    private StreamException closedError() {
        return new StreamException(StreamException.Kind.CLOSED, "the Kafka producer" + anchor.map(k -> " of " + k).orElse("")
                + " is closed");
    }

    @Override
    public String toString() {
        return "KafkaProducer[" + streamer.bootstrapServers() + anchor.map(k -> "/" + k).orElse("") + "]";
    }
}
