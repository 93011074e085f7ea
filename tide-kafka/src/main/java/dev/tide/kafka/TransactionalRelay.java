package dev.tide.kafka;

import dev.tide.ConnectOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.StreamUrl;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The {@link KafkaRelay}: one kafka-clients consumer and one transactional producer, both used only by
 * the thread in {@link #run()}. {@link #close()} sets a flag and wakes the consumer; a {@link ReentrantLock}
 * guards the hand-over of the consumer between {@code run()} (which sets it) and {@code close()} (which
 * wakes it), and is never held while calling Kafka except for {@code wakeup()}, which does not block.
 */
final class TransactionalRelay implements KafkaRelay {

    private static final Duration POLL = Duration.ofMillis(500);

    private final StreamUrl input;
    private final ConnectOptions connectOptions;
    private final StreamKey outputTopic;
    private final List<String> inputTopics;
    private final Map<String, Object> consumerProps;
    private final Map<String, Object> producerProps;
    private final StreamReset reset;
    private final long limit;
    private final Function<? super KafkaMessage, ? extends Iterable<byte[]>> transform;
    private final Map<String, StreamKey> keys = new HashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong relayed = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> active;

    private TransactionalRelay(StreamUrl input, ConnectOptions connectOptions, StreamKey outputTopic,
                               Map<String, Object> consumerProps,
                               Map<String, Object> producerProps, StreamReset reset, long limit,
                               Function<? super KafkaMessage, ? extends Iterable<byte[]>> transform) {
        this.input = input;
        this.connectOptions = connectOptions;
        this.outputTopic = outputTopic;
        this.inputTopics = input.keys().stream().map(StreamKey::name).toList();
        this.consumerProps = consumerProps;
        this.producerProps = producerProps;
        this.reset = reset;
        this.limit = limit;
        this.transform = transform;
    }

    static TransactionalRelay create(KafkaRelay.Builder b) {
        for (StreamUrl url : List.of(b.input, b.output)) {
            if (!url.streamer().protocol().filter("kafka"::equals).isPresent()) {
                throw new StreamException(StreamException.Kind.INVALID_URI, "an exactly-once relay needs kafka:// URLs, not " + url);
            }
        }
        if (b.input.keys().isEmpty()) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY, "no input topic in " + b.input);
        }
        StreamKey outputTopic = b.output.key();
        if (b.input.keys().contains(outputTopic)) {
            throw new StreamException(StreamException.Kind.INVALID_URI,
                    "the relay's output topic " + outputTopic + " is also an input: relaying a topic into itself never ends");
        }
        ClientConfig config = ClientConfig.of(b.input.streamer(), b.connect);
        Set<String> in = new TreeSet<>(Arrays.asList(config.bootstrap().split(",")));
        Set<String> out = new TreeSet<>(Arrays.asList(ClientConfig.bootstrapServers(b.output.streamer()).split(",")));
        if (!in.equals(out)) {
            throw new StreamException(StreamException.Kind.UNSUPPORTED, "an exactly-once relay needs its input and output on one"
                    + " Kafka cluster (a transaction cannot span two): " + b.input.streamer() + " vs " + b.output.streamer());
        }
        String group = b.group.orElse("tide-relay-" + String.join(",", b.input.keys().stream().map(StreamKey::name).toList())
                + "-to-" + outputTopic.name());
        String transactionalId = b.transactionalId.orElse(group);

        Map<String, Object> consumerProps = config.client(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, b.reset == StreamReset.EARLIEST ? "earliest" : "latest"),
                ClientConfig.passThrough(b.consumer.withPrefix(KafkaOptions.PREFIX)));
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerProps.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, transactionalId);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

        Map<String, Object> producerProps = config.client(Map.of(),
                ClientConfig.passThrough(b.producer.withPrefix(KafkaOptions.PREFIX)));
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new TransactionalRelay(b.input, b.connect, outputTopic, consumerProps, producerProps, b.reset, b.limit, b.transform);
    }

    @Override
    public long run() {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("this relay is already running");
        }
        long before = relayed.get();
        org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = null;
        org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer = null;
        try {
            // Fail within the connect timeout, as a streamer does, rather than after max.block.ms.
            RealKafkaStreamer.connect(input, connectOptions).close();
            consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(consumerProps);
            producer = new org.apache.kafka.clients.producer.KafkaProducer<>(producerProps);
            lock.lock();
            try {
                if (closed.get()) {
                    throw new StreamException(StreamException.Kind.CLOSED, "the relay from " + input + " is closed");
                }
                active = consumer;
            } finally {
                lock.unlock();
            }
            producer.initTransactions();
            consumer.subscribe(inputTopics, new Anchor(consumer));
            loop(consumer, producer);
            return relayed.get() - before;
        } catch (StreamException e) {
            throw e;
        } catch (WakeupException e) {
            return relayed.get() - before;
        } catch (RuntimeException e) {
            throw Errors.translate(e, "relaying " + input + " to " + outputTopic);
        } finally {
            lock.lock();
            try {
                active = null;
            } finally {
                lock.unlock();
            }
            if (consumer != null) {
                try {
                    consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                            .withTimeout(Duration.ofSeconds(30)));
                } catch (RuntimeException e) {
                    // going away anyway
                }
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(30));
            }
            running.set(false);
        }
    }

    private void loop(org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer,
                      org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer) {
        while (!closed.get() && (limit < 0 || relayed.get() < limit)) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(POLL);
            } catch (WakeupException e) {
                continue;
            }
            if (records.isEmpty()) {
                continue;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
            Map<TopicPartition, Long> firstOffsets = new HashMap<>();
            long count = 0;
            producer.beginTransaction();
            try {
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (limit >= 0 && relayed.get() + count >= limit) {
                        break;
                    }
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    firstOffsets.putIfAbsent(tp, r.offset());
                    KafkaMessage message = RealKafkaMessage.of(r, keys.computeIfAbsent(r.topic(), StreamKey::of));
                    for (byte[] payload : transformed(message)) {
                        producer.send(new ProducerRecord<>(outputTopic.name(), null, null, r.key(), payload, r.headers()));
                    }
                    offsets.put(tp, new OffsetAndMetadata(r.offset() + 1));
                    count++;
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                commit(producer);
                relayed.addAndGet(count);
            } catch (ProducerFencedException | OutOfOrderSequenceException | InvalidProducerEpochException
                     | AuthorizationException | UnsupportedVersionException e) {
                // Fatal for this producer: another instance took over, or the cluster refuses.
                throw new StreamException(StreamException.Kind.BACKEND, "the relay from " + input + " to " + outputTopic
                        + " cannot go on: " + e, e);
            } catch (KafkaException e) {
                // Abort and read the batch again from where it started.
                abort(producer);
                firstOffsets.forEach(consumer::seek);
                if (e instanceof org.apache.kafka.common.errors.InterruptException) {
                    throw e;
                }
            } catch (TransformFailed e) {
                abort(producer);
                throw new StreamException(StreamException.Kind.BACKEND, "the relay's transform failed on " + e.message.header()
                        + "; the transaction was aborted", e.getCause());
            }
        }
    }

    /** A failure of the user's transform, told apart from Kafka's. */
    private static final class TransformFailed extends RuntimeException {
        final transient KafkaMessage message;

        TransformFailed(KafkaMessage message, RuntimeException cause) {
            super(cause);
            this.message = message;
        }
    }

    private Iterable<byte[]> transformed(KafkaMessage message) {
        try {
            return transform.apply(message);
        } catch (RuntimeException e) {
            throw new TransformFailed(message, e);
        }
    }

    /** Commits; a commit that timed out may be retried (it may have succeeded, and a retry finds out). */
    private static void commit(org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer) {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static void abort(org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            // the transaction is gone either way; the coordinator aborts it on timeout or fencing
        }
    }

    /**
     * Pins the group's start on first assignment (see {@link RealKafkaConsumer}): partitions without a
     * committed offset get their reset position committed at once, so a relay killed before its first
     * transaction does not start over at a later "latest".
     */
    private final class Anchor implements ConsumerRebalanceListener {
        private final org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer;

        Anchor(org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Transactions are committed before every poll: nothing is pending here.
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty() || reset != StreamReset.LATEST) {
                return;
            }
            Set<TopicPartition> set = new HashSet<>(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(set);
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            for (TopicPartition tp : set) {
                if (committed.get(tp) == null) {
                    start.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                }
            }
            if (!start.isEmpty()) {
                try {
                    consumer.commitSync(start);
                } catch (RebalanceInProgressException | CommitFailedException e) {
                    // moving again: the next owner pins them
                }
            }
        }
    }

    @Override
    public long relayed() {
        return relayed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        lock.lock();
        try {
            if (active != null) {
                active.wakeup();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "KafkaRelay[" + input + " -> " + outputTopic + "]";
    }
}
