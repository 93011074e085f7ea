package dev.tide.kafka;

import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer on kafka-clients.
 *
 * <h2>Threads and locks</h2>
 * kafka-clients' {@code KafkaConsumer} is not thread-safe: it may be used by one thread at a time.
 * Each Tide consumer has one thread of its own, the <em>poller</em> ({@link KafkaThreads}), and the
 * Kafka consumer is used only by the holder of the <em>fetch token</em> kept by the consumer's
 * {@link HandOff} (except {@code wakeup()}, the one method kafka-clients allows from any thread). The
 * holder runs <em>steps</em> ({@link ConsumerLoop}): store the queued commits, run the queued commands,
 * look for new partitions, pause or resume fetching, {@code poll}, and append the records to the
 * hand-off, one list per partition as kafka-clients returns it. Rebalance and commit callbacks run on
 * the holder inside Kafka calls.
 * <ul>
 *   <li>Application threads take records from the hand-off ({@link #next()}, {@link #poll}; an atomic
 *       increment per record, its lock only between batches) and turn them into messages themselves.
 *       One that finds the hand-off empty and the token free takes the token and runs a step itself,
 *       then takes what it fetched: an application reading on one thread has one thread, as with a
 *       plain Kafka consumer. One that finds the token held waits for records or the token.</li>
 *   <li>The poller runs the start-up and the close, and runs steps whenever no taker has run one for a
 *       short while ({@link ConsumerLoop#YIELD_NANOS}) and none waits for the token, so that the
 *       consumer stays in its group, reads ahead and runs commands while the application is busy
 *       elsewhere. While takers run steps it sleeps, and wakes for queued commands and commits.</li>
 *   <li>Everything else an application thread asks ({@code seek}, {@code rewind}, {@code assign},
 *       {@code unassign}, {@link #assignment()}, commits) is queued for the token holder
 *       ({@link ConsumerCommands}), followed by {@code wakeup()} if the token is held (so that its
 *       holder leaves {@code poll} at once) and by waking the poller; the caller blocks on the request's
 *       future. A {@code WakeupException} may surface from any blocking call of a step; every such call
 *       is retried.</li>
 *   <li>Backpressure: when the hand-off holds {@code kafka.buffer-size} messages, a step pauses every
 *       partition and the poller keeps polling (so it stays in its group and keeps running commands); a
 *       taker that brings it down to half wakes the poller, and the next step resumes them.</li>
 *   <li>State only the token holder touches: the Kafka consumer and the state of {@link ConsumerLoop},
 *       {@link ConsumerCommands} and {@link ConsumerAnchors} that they list. Shared: the request queues
 *       (lock-free), the flags ({@code closed}, {@code terminated}, {@code paused} and the loop's own,
 *       volatile), the hand-off and its token (its lock).</li>
 * </ul>
 * Closing sets {@code closed}, ends the hand-off with CLOSED (blocked takers fail at once) and wakes the
 * token holder and the poller; the poller takes the token once the holder gives it back, stores the
 * commits still queued, closes the Kafka consumer (leaving the group) and fails whatever is still
 * queued; {@code close()} waits for it within the close timeout.
 */
final class RealKafkaConsumer implements KafkaConsumer {

    /** The longest single wait of {@link #poll}: longer ones would overflow the nanosecond clock arithmetic. */
    private static final Duration MAX_WAIT = Duration.ofDays(365);

    private final List<StreamKey> keys;
    private final ConsumerLoop loop;
    private final HandOff<ConsumerRecord<byte[], byte[]>> buffer;
    private final ConsumerCommands commands;
    private final String description;
    /** The last topic a taker looked up; an immutable pair, so takers racing on it only look up again. */
    private TopicKey lastKey;

    private record TopicKey(String topic, StreamKey key) {
    }

    private RealKafkaConsumer(List<StreamKey> keys, ConsumerLoop loop) {
        this.keys = List.copyOf(keys);
        this.loop = loop;
        this.buffer = loop.buffer;
        this.commands = loop.commands;
        this.description = loop.description;
    }

    static RealKafkaConsumer create(RealKafkaStreamer streamer, List<StreamKey> keys, ConsumerOptions options) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, options.reset() == StreamReset.EARLIEST ? "earliest" : "latest");
        if (options.mode() == ConsumerMode.LOAD_BALANCED) {
            defaults.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        Map<String, String> overrides = ClientConfig.passThrough(options.withPrefix(KafkaOptions.PREFIX));
        Map<String, Object> props = streamer.config().client(defaults, overrides);
        if (overrides.containsKey("group.protocol") && overrides.get("group.protocol").equalsIgnoreCase("consumer")) {
            props.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
        }
        options.group().ifPresent(g -> props.put(ConsumerConfig.GROUP_ID_CONFIG, g.name()));
        if (options.mode() == ConsumerMode.REAL_TIME) {
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        }
        // Commits are Tide's commit(m) only: kafka-clients' auto commit would store positions of fetched,
        // possibly unprocessed messages.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commitsAhead = options.mode() == ConsumerMode.RESUMABLE
                ? fetchCommitsAhead(streamer, options.group().orElseThrow().name())
                : CompletableFuture.completedFuture(Map.of());
        org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> client;
        try {
            client = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props);
        } catch (RuntimeException e) {
            throw Errors.translate(e, "creating a Kafka consumer");
        }
        String resetPolicy = String.valueOf(props.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)).strip().toLowerCase(Locale.ROOT);
        ConsumerLoop loop = new ConsumerLoop(streamer, keys, options, client, resetPolicy, commitsAhead);
        RealKafkaConsumer consumer = new RealKafkaConsumer(keys, loop);
        loop.poller = KafkaThreads.startConsumerThread(loop::run);
        Duration readyTimeout = options.get(KafkaOptions.READY_TIMEOUT);
        try {
            loop.ready.get(readyTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            consumer.close();
            throw StreamException.interrupted(e, "waiting for " + loop.description + " to be assigned its partitions");
        } catch (ExecutionException e) {
            consumer.close();
            throw Errors.translate(e, "starting " + loop.description);
        } catch (java.util.concurrent.TimeoutException e) {
            consumer.close();
            throw new StreamException(StreamException.Kind.TIMEOUT, loop.description + " was not assigned its partitions within "
                    + readyTimeout + " (" + KafkaOptions.READY_TIMEOUT + ")", e);
        }
        return consumer;
    }

    /**
     * Asks the streamer's admin client, which is already connected, for a group's commits (stable ones,
     * as the consumer's own {@code committed} asks), so that the coordinator lookup and the OffsetFetch
     * run while the Kafka consumer is built and finds its partitions instead of after it. If the admin
     * client fails (its credentials may differ from the consumer's), the consumer asks itself.
     */
    private static CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> fetchCommitsAhead(RealKafkaStreamer streamer,
                                                                                                String group) {
        try {
            return streamer.admin().listConsumerGroupOffsets(group, new ListConsumerGroupOffsetsOptions().requireStable(true))
                    .partitionsToOffsetAndMetadata().toCompletionStage().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Application side

    @Override
    public Message next() {
        return took(buffer.take(0, true, loop));
    }

    @Override
    public Optional<Message> poll(Duration timeout) {
        Duration capped = timeout.isNegative() ? Duration.ZERO : timeout.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : timeout;
        long deadline = System.nanoTime() + capped.toNanos();
        return Optional.ofNullable(took(buffer.take(deadline, false, loop)));
    }

    /** Turns a taken record into a message (on the taker's thread), and wakes a paused poller at half. */
    private Message took(ConsumerRecord<byte[], byte[]> r) {
        if (r == null) {
            return null;
        }
        if (loop.paused && buffer.size() <= loop.bufferSize / 2 && loop.resumeRequested.compareAndSet(false, true)) {
            loop.wake();
        }
        return RealKafkaMessage.of(r, keyOf(r.topic()));
    }

    /** The stream key of a topic: the last one looked up (records come in per-partition runs), or from the cache. */
    private StreamKey keyOf(String topic) {
        TopicKey last = lastKey;
        if (last != null && last.topic() == topic) {
            return last.key();
        }
        StreamKey key = loop.keyCache.computeIfAbsent(topic, StreamKey::of);
        lastKey = new TopicKey(topic, key);
        return key;
    }

    @Override
    public List<StreamKey> keys() {
        return keys;
    }

    @Override
    public void seek(Instant time) {
        commands.submit("seeking " + description + " to " + time, () -> commands.doSeek(time));
    }

    @Override
    public void rewind(SeqPos position) {
        commands.submit("rewinding " + description + " to " + position, () -> commands.doRewind(position));
    }

    @Override
    public void assign(StreamKey key, ShardId shard) {
        TopicPartition tp = partition(key, shard);
        commands.submit("assigning " + key + " shard " + shard, () -> commands.doAssign(tp));
    }

    @Override
    public void unassign(StreamKey key, ShardId shard) {
        TopicPartition tp = partition(key, shard);
        commands.submit("unassigning " + key + " shard " + shard, () -> commands.doUnassign(tp));
    }

    private TopicPartition partition(StreamKey key, ShardId shard) {
        if (!keys.contains(key)) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                    "stream " + key + " is not one that " + description + " reads");
        }
        if (shard.id() < 0 || shard.id() > Integer.MAX_VALUE) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND, "there is no Kafka partition " + shard);
        }
        return new TopicPartition(key.name(), (int) shard.id());
    }

    @Override
    public Map<StreamKey, Set<ShardId>> assignment() {
        return commands.submit("reading the assignment of " + description, commands::doAssignment);
    }

    @Override
    public void commit(Message message) {
        ConsumerCommands.await(submitCommit(message, true), "committing " + message.header());
    }

    @Override
    public CompletableFuture<Void> commitAsync(Message message) {
        try {
            return submitCommit(message, false);
        } catch (StreamException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Void> submitCommit(Message message, boolean sync) {
        if (loop.mode == ConsumerMode.REAL_TIME) {
            throw new StreamException(StreamException.Kind.COMMIT_NOT_ALLOWED,
                    "a REAL_TIME consumer keeps no commits; use RESUMABLE or LOAD_BALANCED (" + description + ")");
        }
        commands.ensureOpen();
        TopicPartition tp = partition(message.key(), message.shard());
        long offset = message.seq().value();
        if (offset < 0 || offset == Long.MAX_VALUE) {
            throw new IllegalArgumentException("not a Kafka offset: " + message.seq());
        }
        return commands.submitCommit(tp, offset, sync);
    }

    @Override
    public void close() {
        if (!loop.closed.compareAndSet(false, true)) {
            return;
        }
        loop.streamer.forget(this);
        buffer.end(commands.closedError(), true);
        loop.wake();
        Thread thread = loop.poller;
        if (thread != null && thread != Thread.currentThread()) {
            try {
                if (!thread.join(loop.closeTimeout.plusSeconds(5))) {
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
