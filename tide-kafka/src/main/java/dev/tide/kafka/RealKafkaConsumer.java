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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer on kafka-clients.
 *
 * <h2>Threads and locks</h2>
 * kafka-clients' {@code KafkaConsumer} is not thread-safe, so each Tide consumer owns one on one thread,
 * the <em>poller</em> ({@link KafkaThreads}), from creation to close; no other thread ever calls it
 * except {@code wakeup()}, the one method kafka-clients allows from any thread. The poller loops:
 * store the commits asked for, run the queued commands, look for new partitions, pause or resume
 * fetching, {@code poll}, and append the records to the {@link HandOff}, one list per partition as
 * kafka-clients returns it. Rebalance callbacks run on the poller inside {@code poll}.
 * <ul>
 *   <li>Application threads take records from the hand-off ({@link #next()}, {@link #poll}; an atomic
 *       increment per record, its lock only between batches) and turn them into messages themselves, so
 *       the poller only fetches; they never touch the Kafka consumer.</li>
 *   <li>Everything else an application thread asks ({@code seek}, {@code rewind}, {@code assign},
 *       {@code unassign}, {@link #assignment()}) is a {@link Command} queued for the poller, followed by
 *       {@code wakeup()} so the poller leaves {@code poll} at once; the caller blocks on the command's
 *       future. Commits go to their own queue of {@link CommitRequest}s so that a rebalance callback can
 *       store them without running positioning commands in the middle of a rebalance.</li>
 *   <li>A {@code WakeupException} may surface from any blocking call of the poller (the wakeup may come
 *       while it is not in {@code poll}); every such call is retried ({@link #call}).</li>
 *   <li>Backpressure: when the hand-off holds {@code kafka.buffer-size} messages the poller pauses every
 *       partition and keeps polling (so it stays in its group and keeps running commands); a taker that
 *       brings it down to half wakes the poller, which resumes them.</li>
 *   <li>State only the poller touches: the Kafka consumer, {@code selection}, {@code skipBelow},
 *       {@code retryCommits}, {@code pendingAnchors} and {@code anchorRetryAt} (commit callbacks run on
 *       the poller too). Shared: the two queues (lock-free), {@code closed}, {@code terminated},
 *       {@code paused} (volatile flags), the hand-off (its lock).</li>
 * </ul>
 * Closing sets {@code closed}, ends the hand-off with CLOSED (blocked takers fail at once) and wakes the
 * poller, which stores the commits still queued, closes the Kafka consumer (leaving the group) and fails
 * whatever is still queued; {@code close()} waits for it within the close timeout.
 */
final class RealKafkaConsumer implements KafkaConsumer {

    /** A request for the poller thread. */
    private static final class Command<T> {
        final String what;
        final Supplier<T> action;
        final CompletableFuture<T> done = new CompletableFuture<>();

        Command(String what, Supplier<T> action) {
            this.what = what;
            this.action = action;
        }
    }

    /** A commit: {@code offset} is the next offset to read, the processed message's offset plus one. */
    private record CommitRequest(TopicPartition partition, long offset, boolean sync, CompletableFuture<Void> done) {
    }

    /** The longest single wait of {@link #poll}: longer ones would overflow the nanosecond clock arithmetic. */
    private static final Duration MAX_WAIT = Duration.ofDays(365);

    /** How long the poller waits before it sends anchors again whose commit failed with a retriable error. */
    private static final long ANCHOR_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RealKafkaStreamer streamer;
    private final List<StreamKey> keys;
    private final List<String> topics;
    private final ConsumerMode mode;
    private final org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> client;
    private final HandOff<ConsumerRecord<byte[], byte[]>> buffer = new HandOff<>();
    private final ConcurrentLinkedQueue<Command<?>> commands = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<CommitRequest> commits = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean resumeRequested = new AtomicBoolean();
    private final Map<String, StreamKey> keyCache = new ConcurrentHashMap<>();
    private final int bufferSize;
    private final Duration pollInterval;
    private final Duration partitionRefresh;
    private final Duration closeTimeout;
    private final String resetPolicy;
    /** A RESUMABLE consumer's group commits, asked of the streamer's admin client while this consumer starts. */
    private final CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commitsAhead;
    private final String description;
    private volatile boolean paused;
    private volatile boolean terminated;
    private volatile Thread poller;

    // Poller-only state.
    private final Set<TopicPartition> selection = new HashSet<>();
    private boolean selected;
    private final Map<TopicPartition, Long> skipBelow = new HashMap<>();
    private final List<CommitRequest> retryCommits = new ArrayList<>();
    /** Start positions committed asynchronously ({@link #anchor}) and not yet known to be stored nor superseded. */
    private final Map<TopicPartition, Long> pendingAnchors = new HashMap<>();
    /** When to send {@link #pendingAnchors} again after a retriable failure; 0 when no retry is due. */
    private long anchorRetryAt;
    private long nextRefresh;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    private RealKafkaConsumer(RealKafkaStreamer streamer, List<StreamKey> keys, ConsumerOptions options,
                              org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> client, String resetPolicy,
                              CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commitsAhead) {
        this.streamer = streamer;
        this.keys = List.copyOf(keys);
        this.topics = keys.stream().map(StreamKey::name).toList();
        this.mode = options.mode();
        this.client = client;
        this.bufferSize = Math.max(1, options.get(KafkaOptions.BUFFER_SIZE));
        this.pollInterval = options.get(KafkaOptions.POLL_INTERVAL);
        this.partitionRefresh = options.get(KafkaOptions.PARTITION_REFRESH);
        this.closeTimeout = options.get(KafkaOptions.CLOSE_TIMEOUT);
        this.resetPolicy = resetPolicy;
        this.commitsAhead = commitsAhead;
        this.description = "KafkaConsumer[" + mode + options.group().map(g -> ", group " + g).orElse("") + ", "
                + streamer.bootstrapServers() + "/" + String.join(",", topics) + "]";
        for (StreamKey key : keys) {
            keyCache.put(key.name(), key);
        }
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
        RealKafkaConsumer consumer = new RealKafkaConsumer(streamer, keys, options, client, resetPolicy, commitsAhead);
        consumer.poller = KafkaThreads.startConsumerThread(consumer::run);
        Duration readyTimeout = options.get(KafkaOptions.READY_TIMEOUT);
        try {
            consumer.ready.get(readyTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            consumer.close();
            throw StreamException.interrupted(e, "waiting for " + consumer.description + " to be assigned its partitions");
        } catch (ExecutionException e) {
            consumer.close();
            throw Errors.translate(e, "starting " + consumer.description);
        } catch (java.util.concurrent.TimeoutException e) {
            consumer.close();
            throw new StreamException(StreamException.Kind.TIMEOUT, consumer.description + " was not assigned its partitions within "
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
    // The poller thread

    private void run() {
        StreamException failure = null;
        try {
            start();
            while (!closed.get()) {
                flushCommits(false);
                retryAnchors();
                runCommands();
                refreshPartitions();
                adjustPause();
                if (mode != ConsumerMode.LOAD_BALANCED && client.assignment().isEmpty()) {
                    // No partition yet (the topics do not exist yet): poll() would refuse; wait for a
                    // command or the next partition refresh instead.
                    LockSupport.parkNanos(this, Math.min(pollInterval.toNanos(), partitionRefresh.toNanos()));
                    continue;
                }
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = client.poll(pollInterval);
                } catch (WakeupException e) {
                    continue;
                }
                deliver(records);
            }
        } catch (Throwable t) {
            if (!closed.get()) {
                failure = Errors.translate(t, "reading " + String.join(",", topics));
            }
        } finally {
            try {
                flushCommits(true);
            } catch (RuntimeException e) {
                // the queued commits fail below
            }
            settleAnchors(client.assignment());
            try {
                client.close(CloseOptions.timeout(closeTimeout));
            } catch (RuntimeException e) {
                // nothing more to do for a consumer that is going away
            }
            StreamException end = failure != null ? failure : closedError();
            terminated = true;
            buffer.end(end, failure == null);
            ready.completeExceptionally(end);
            failQueued(end);
        }
    }

    private void start() {
        if (mode == ConsumerMode.LOAD_BALANCED) {
            client.subscribe(topics, new Rebalance());
            return;
        }
        Set<TopicPartition> all = new HashSet<>();
        for (String topic : topics) {
            for (var info : call(() -> client.partitionsFor(topic))) {
                all.add(new TopicPartition(info.topic(), info.partition()));
            }
        }
        client.assign(all);
        if (mode == ConsumerMode.RESUMABLE) {
            anchor(all, this::committedAhead);
        }
        for (TopicPartition tp : all) {
            call(() -> client.position(tp));
        }
        nextRefresh = System.nanoTime() + partitionRefresh.toNanos();
        ready.complete(null);
    }

    /** Runs a blocking Kafka call, again if a wakeup meant for {@code poll} interrupted it. */
    private <T> T call(Supplier<T> kafkaCall) {
        while (true) {
            try {
                return kafkaCall.get();
            } catch (WakeupException e) {
                // retry: the wakeup was for the poll loop
            }
        }
    }

    private void runCommands() {
        Command<?> c;
        while ((c = commands.poll()) != null) {
            run(c);
        }
    }

    private <T> void run(Command<T> c) {
        try {
            c.done.complete(c.action.get());
        } catch (RuntimeException e) {
            c.done.completeExceptionally(Errors.translate(e, c.what));
        }
    }

    /**
     * Hands the fetched records over partition by partition, as kafka-clients' lists (not copied); the
     * takers turn them into messages.
     */
    private void deliver(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
            Long min = skipBelow.isEmpty() ? null : skipBelow.get(tp);
            if (min != null) {
                List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>(batch.size());
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    if (r.offset() >= min) {
                        kept.add(r);
                    }
                }
                if (!kept.isEmpty()) {
                    skipBelow.remove(tp);
                }
                batch = kept;
            }
            buffer.add(batch);
        }
    }

    private Message toMessage(ConsumerRecord<byte[], byte[]> r) {
        return RealKafkaMessage.of(r, keyCache.computeIfAbsent(r.topic(), StreamKey::of));
    }

    private void adjustPause() {
        int size = buffer.size();
        if (!paused && size >= bufferSize) {
            client.pause(client.assignment());
            paused = true;
        } else if (paused && size <= bufferSize / 2) {
            paused = false;
            client.resume(client.paused());
            resumeRequested.set(false);
        }
    }

    /**
     * Stores the queued commits (and those a rebalance postponed); {@code forceSync} waits for them. A
     * commit supersedes the pending anchor of its partition (kafka-clients sends one consumer's commits in
     * order, so it is stored after the anchor), and carries the pending anchors of the other partitions
     * along: once an application's commit is stored, so is every anchor.
     */
    private void flushCommits(boolean forceSync) {
        if (retryCommits.isEmpty() && commits.isEmpty()) {
            return;
        }
        List<CommitRequest> batch = new ArrayList<>(retryCommits);
        retryCommits.clear();
        CommitRequest r;
        while ((r = commits.poll()) != null) {
            batch.add(r);
        }
        if (batch.isEmpty()) {
            return;
        }
        Set<TopicPartition> owned = client.assignment();
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        List<CommitRequest> included = new ArrayList<>();
        boolean sync = forceSync;
        for (CommitRequest c : batch) {
            if (owned.contains(c.partition())) {
                offsets.put(c.partition(), new OffsetAndMetadata(c.offset()));
                included.add(c);
                sync |= c.sync();
            } else {
                // The partition left this consumer: its new owner re-reads from the last stored commit.
                c.done().complete(null);
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        pendingAnchors.keySet().removeAll(offsets.keySet());
        Map<TopicPartition, Long> carried = new HashMap<>();
        pendingAnchors.forEach((tp, offset) -> {
            if (owned.contains(tp)) {
                carried.put(tp, offset);
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
        });
        if (sync) {
            try {
                call(() -> {
                    client.commitSync(offsets);
                    return null;
                });
                anchorsStored(carried);
                included.forEach(c -> c.done().complete(null));
            } catch (RebalanceInProgressException e) {
                retryCommits.addAll(included);
            } catch (CommitFailedException e) {
                // This member lost the partitions (it was removed from the group): as above.
                included.forEach(c -> c.done().complete(null));
            } catch (RuntimeException e) {
                StreamException error = Errors.translate(e, "committing " + offsets);
                included.forEach(c -> c.done().completeExceptionally(error));
            }
        } else {
            client.commitAsync(offsets, (stored, e) -> {
                if (e == null) {
                    anchorsStored(carried);
                }
                if (e == null || e instanceof CommitFailedException) {
                    included.forEach(c -> c.done().complete(null));
                } else if (e instanceof RebalanceInProgressException) {
                    retryCommits.addAll(included);
                } else {
                    StreamException error = Errors.translate(e, "committing " + offsets);
                    included.forEach(c -> c.done().completeExceptionally(error));
                }
            });
        }
    }

    /** Every so often, a REAL_TIME or RESUMABLE consumer asks the admin client for new partitions. */
    private void refreshPartitions() {
        if (mode == ConsumerMode.LOAD_BALANCED || System.nanoTime() - nextRefresh < 0 || !refreshing.compareAndSet(false, true)) {
            return;
        }
        nextRefresh = System.nanoTime() + partitionRefresh.toNanos();
        Map<String, KafkaFuture<TopicDescription>> futures;
        try {
            futures = streamer.admin().describeTopics(topics).topicNameValues();
        } catch (RuntimeException e) {
            refreshing.set(false);
            return;
        }
        Set<TopicPartition> found = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> each = new ArrayList<>();
        futures.forEach((topic, future) -> each.add(future.toCompletionStage().toCompletableFuture()
                .handle((description, e) -> {
                    if (description != null) {
                        description.partitions().forEach(p -> found.add(new TopicPartition(topic, p.partition())));
                    }
                    return null;
                })));
        CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            commands.add(new Command<>("adding new partitions", () -> {
                refreshing.set(false);
                addPartitions(found);
                return null;
            }));
        });
    }

    /** Assigns partitions that appeared after the start, reading them from their beginning (or commit). */
    private void addPartitions(Set<TopicPartition> found) {
        Set<TopicPartition> assigned = client.assignment();
        Set<TopicPartition> fresh = new HashSet<>(found);
        fresh.removeAll(assigned);
        if (fresh.isEmpty()) {
            return;
        }
        Set<TopicPartition> all = new HashSet<>(assigned);
        all.addAll(fresh);
        client.assign(all);
        Map<TopicPartition, OffsetAndMetadata> committed = mode == ConsumerMode.RESUMABLE
                ? call(() -> client.committed(fresh)) : Map.of();
        for (TopicPartition tp : fresh) {
            OffsetAndMetadata c = committed.get(tp);
            if (c != null) {
                client.seek(tp, c.offset());
            } else {
                client.seekToBeginning(List.of(tp));
            }
            call(() -> client.position(tp));
        }
        if (paused) {
            client.pause(fresh);
        }
    }

    /** The group protocol's callbacks, on the poller thread inside {@code poll}. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            // Store what the application committed (or else the anchors) before the partitions move, then
            // drop what it has not taken yet: the new owner starts right after the last commit.
            flushCommits(true);
            settleAnchors(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused && !partitions.isEmpty()) {
                client.pause(partitions);
            }
            anchor(partitions, set -> call(() -> client.committed(set)));
            for (TopicPartition tp : partitions) {
                call(() -> client.position(tp));
            }
            ready.complete(null);
        }
    }

    /**
     * Positions the partitions at the group's commits and pins the group's start on those it has no
     * commit for: resolves the reset position (the end for LATEST) and commits it. Without this, a
     * partition that moves to another member before anything was committed would start over at that
     * member's "latest", losing what was sent in between.
     *
     * <p>The anchoring commit is sent asynchronously, so fetching starts while it is stored. It only has
     * to be stored before anything else could depend on it: the application's first commit carries the
     * pending anchors along (and supersedes the one of its own partition), a revocation stores the
     * anchors of the partitions that leave, and closing stores the rest ({@link #settleAnchors}). The
     * blocking calls are thus the OffsetFetch ({@code committedOf}: a RESUMABLE consumer's was sent by
     * the admin client while this consumer was being built) and, for partitions without a commit, the
     * ListOffsets of the reset ({@code position}); the commits are seeked to directly so that
     * {@code position} does not fetch them a second time.
     */
    private void anchor(Collection<TopicPartition> partitions,
                        Function<Set<TopicPartition>, Map<TopicPartition, OffsetAndMetadata>> committedOf) {
        if (partitions.isEmpty()) {
            return;
        }
        Set<TopicPartition> set = new HashSet<>(partitions);
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = committedOf.apply(set);
            List<TopicPartition> fresh = new ArrayList<>();
            for (TopicPartition tp : set) {
                OffsetAndMetadata c = committed.get(tp);
                if (c != null) {
                    client.seek(tp, c);
                } else {
                    fresh.add(tp);
                }
            }
            if (fresh.isEmpty()) {
                return;
            }
            // The reset kafka-clients would apply; any other policy (none, by_duration) is left to it.
            switch (resetPolicy) {
                case "earliest" -> client.seekToBeginning(fresh);
                case "latest" -> client.seekToEnd(fresh);
                default -> {
                }
            }
            Map<TopicPartition, Long> start = new HashMap<>();
            for (TopicPartition tp : fresh) {
                start.put(tp, call(() -> client.position(tp)));
            }
            pendingAnchors.putAll(start);
            sendAnchors(start);
        } catch (KafkaException e) {
            // Best effort: the partitions are moving again (their next owner anchors them) or the
            // coordinator did not answer; reading goes on from the reset position either way.
        }
    }

    /** The commits of these partitions from {@link #commitsAhead}, or from the Kafka consumer if the admin client failed. */
    private Map<TopicPartition, OffsetAndMetadata> committedAhead(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> all;
        while (true) {
            try {
                all = commitsAhead.get(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
                break;
            } catch (java.util.concurrent.TimeoutException e) {
                if (closed.get()) {
                    throw closedError();
                }
            } catch (ExecutionException e) {
                return call(() -> client.committed(partitions));
            } catch (InterruptedException e) {
                throw StreamException.interrupted(e, "reading the commits of " + description);
            }
        }
        Map<TopicPartition, OffsetAndMetadata> mine = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = all.get(tp);
            if (c != null) {
                mine.put(tp, c);
            }
        }
        return mine;
    }

    /** Commits anchors asynchronously; their callback runs on the poller (inside a later Kafka call). */
    private void sendAnchors(Map<TopicPartition, Long> anchors) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        anchors.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
        client.commitAsync(offsets, (stored, e) -> {
            if (e == null) {
                anchorsStored(anchors);
            } else if (e instanceof RetriableException || e instanceof RebalanceInProgressException) {
                // Still pending: sent again shortly, carried by the next commit, or stored on revoke or close.
                if (anchorRetryAt == 0) {
                    anchorRetryAt = System.nanoTime() + ANCHOR_RETRY_NANOS;
                }
            } else {
                // Best effort, as above: the member lost the partitions, or the group may not commit.
                anchorsStored(anchors);
            }
        });
    }

    /** Forgets anchors that are stored (or given up), unless a newer value for the partition is pending. */
    private void anchorsStored(Map<TopicPartition, Long> anchors) {
        anchors.forEach(pendingAnchors::remove);
    }

    /** Sends the pending anchors again once the wait after a retriable failure is over. */
    private void retryAnchors() {
        if (anchorRetryAt == 0 || System.nanoTime() - anchorRetryAt < 0) {
            return;
        }
        anchorRetryAt = 0;
        Map<TopicPartition, Long> owned = new HashMap<>(pendingAnchors);
        owned.keySet().retainAll(client.assignment());
        pendingAnchors.keySet().retainAll(owned.keySet());
        if (!owned.isEmpty()) {
            sendAnchors(owned);
        }
    }

    /**
     * Stores the pending anchors of these partitions and waits for it (a synchronous commit is stored
     * after every asynchronous one sent before it); best effort. Then forgets them.
     */
    private void settleAnchors(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long offset = pendingAnchors.remove(tp);
            if (offset != null) {
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            call(() -> {
                client.commitSync(offsets);
                return null;
            });
        } catch (RuntimeException e) {
            // Best effort, as in anchor().
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        pendingAnchors.keySet().removeAll(gone);
        buffer.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
        skipBelow.keySet().removeAll(gone);
    }

    private void failQueued(StreamException error) {
        Command<?> c;
        while ((c = commands.poll()) != null) {
            c.done.completeExceptionally(error);
        }
        CommitRequest r;
        while ((r = commits.poll()) != null) {
            r.done().completeExceptionally(error);
        }
        retryCommits.forEach(x -> x.done().completeExceptionally(error));
        retryCommits.clear();
    }

    // ------------------------------------------------------------------------------------------------
    // Positioning, on the poller thread

    /** The partitions positioning applies to: the selection (all until the first assign) that this consumer owns. */
    private Set<TopicPartition> targets() {
        Set<TopicPartition> owned = new HashSet<>(client.assignment());
        if (selected) {
            owned.retainAll(selection);
        }
        return owned;
    }

    private void repositioned(Set<TopicPartition> targets) {
        skipBelow.keySet().removeAll(targets);
        buffer.removeIf(r -> targets.contains(new TopicPartition(r.topic(), r.partition())));
        for (TopicPartition tp : targets) {
            call(() -> client.position(tp));
        }
    }

    private Void doSeek(Instant time) {
        Set<TopicPartition> targets = targets();
        if (targets.isEmpty()) {
            return null;
        }
        // Kafka timestamps are milliseconds: the first record at or after `time` is at or after its ceiling.
        long ms = time.toEpochMilli() + (time.getNano() % 1_000_000 == 0 ? 0 : 1);
        Map<TopicPartition, Long> query = new HashMap<>();
        targets.forEach(tp -> query.put(tp, Math.max(0, ms)));
        Map<TopicPartition, OffsetAndTimestamp> found = call(() -> client.offsetsForTimes(query));
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition tp : targets) {
            OffsetAndTimestamp at = found.get(tp);
            if (at == null) {
                toEnd.add(tp);
            } else {
                client.seek(tp, at.offset());
            }
        }
        if (!toEnd.isEmpty()) {
            client.seekToEnd(toEnd);
        }
        repositioned(targets);
        return null;
    }

    private Void doRewind(SeqPos position) {
        Set<TopicPartition> targets = targets();
        if (targets.isEmpty()) {
            return null;
        }
        switch (position) {
            case SeqPos.Beginning b -> client.seekToBeginning(targets);
            case SeqPos.End e -> client.seekToEnd(targets);
            case SeqPos.At at -> {
                long n = at.seq().value() < 0 ? Long.MAX_VALUE : at.seq().value();
                Map<TopicPartition, Long> begin = call(() -> client.beginningOffsets(targets));
                Map<TopicPartition, Long> end = call(() -> client.endOffsets(targets));
                Map<TopicPartition, Long> skips = new HashMap<>();
                for (TopicPartition tp : targets) {
                    long first = begin.getOrDefault(tp, 0L);
                    long last = end.getOrDefault(tp, 0L);
                    if (n <= first) {
                        client.seek(tp, first);
                    } else if (n <= last) {
                        client.seek(tp, n);
                    } else {
                        // Not written yet: wait at the end and skip records below n.
                        client.seek(tp, last);
                        skips.put(tp, n);
                    }
                }
                repositioned(targets);
                skipBelow.putAll(skips);
                return null;
            }
        }
        repositioned(targets);
        return null;
    }

    private Void doAssign(TopicPartition tp) {
        checkPartitionExists(tp);
        if (!selected) {
            selection.clear();
            selected = true;
        }
        selection.add(tp);
        return null;
    }

    private Void doUnassign(TopicPartition tp) {
        if (!selected) {
            selection.clear();
            for (String topic : topics) {
                for (var info : call(() -> client.partitionsFor(topic))) {
                    selection.add(new TopicPartition(topic, info.partition()));
                }
            }
            selected = true;
        }
        if (!selection.contains(tp)) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                    "stream " + tp.topic() + " shard " + tp.partition() + " is not assigned to " + description);
        }
        if (selection.size() == 1) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY,
                    "stream " + tp.topic() + " shard " + tp.partition() + " is the last one assigned to " + description);
        }
        selection.remove(tp);
        return null;
    }

    private void checkPartitionExists(TopicPartition tp) {
        int count = call(() -> client.partitionsFor(tp.topic())).size();
        if (tp.partition() >= count) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                    "topic " + tp.topic() + " has " + count + " partition" + (count == 1 ? "" : "s") + "; there is no shard "
                            + tp.partition());
        }
    }

    private Map<StreamKey, Set<ShardId>> doAssignment() {
        Map<StreamKey, Set<ShardId>> out = new TreeMap<>();
        for (TopicPartition tp : client.assignment()) {
            out.computeIfAbsent(keyCache.computeIfAbsent(tp.topic(), StreamKey::of), k -> new TreeSet<>())
                    .add(ShardId.of(tp.partition()));
        }
        out.replaceAll((k, v) -> Set.copyOf(v));
        return Map.copyOf(out);
    }

    // ------------------------------------------------------------------------------------------------
    // Application side

    private <T> T onPoller(String what, Supplier<T> action) {
        ensureOpen();
        Command<T> c = new Command<>(what, action);
        commands.add(c);
        if (terminated) {
            failQueued(closedError());
        }
        wake();
        return await(c.done, what);
    }

    /** Gets the poller out of {@code poll} (or out of its wait while it has no partition). */
    private void wake() {
        client.wakeup();
        Thread thread = poller;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, what);
        } catch (ExecutionException e) {
            throw Errors.translate(e.getCause(), what);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw closedError();
        }
    }

    private StreamException closedError() {
        return new StreamException(StreamException.Kind.CLOSED, description + " is closed");
    }

    @Override
    public Message next() {
        return took(buffer.take(0, true));
    }

    @Override
    public Optional<Message> poll(Duration timeout) {
        Duration capped = timeout.isNegative() ? Duration.ZERO : timeout.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : timeout;
        long deadline = System.nanoTime() + capped.toNanos();
        return Optional.ofNullable(took(buffer.take(deadline, false)));
    }

    /** Turns a taken record into a message (on the taker's thread), and wakes a paused poller at half. */
    private Message took(ConsumerRecord<byte[], byte[]> r) {
        if (r == null) {
            return null;
        }
        if (paused && buffer.size() <= bufferSize / 2 && resumeRequested.compareAndSet(false, true)) {
            wake();
        }
        return toMessage(r);
    }

    @Override
    public List<StreamKey> keys() {
        return keys;
    }

    @Override
    public void seek(Instant time) {
        onPoller("seeking " + description + " to " + time, () -> doSeek(time));
    }

    @Override
    public void rewind(SeqPos position) {
        onPoller("rewinding " + description + " to " + position, () -> doRewind(position));
    }

    @Override
    public void assign(StreamKey key, ShardId shard) {
        TopicPartition tp = partition(key, shard);
        onPoller("assigning " + key + " shard " + shard, () -> doAssign(tp));
    }

    @Override
    public void unassign(StreamKey key, ShardId shard) {
        TopicPartition tp = partition(key, shard);
        onPoller("unassigning " + key + " shard " + shard, () -> doUnassign(tp));
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
        return onPoller("reading the assignment of " + description, this::doAssignment);
    }

    @Override
    public void commit(Message message) {
        await(submitCommit(message, true), "committing " + message.header());
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
        if (mode == ConsumerMode.REAL_TIME) {
            throw new StreamException(StreamException.Kind.COMMIT_NOT_ALLOWED,
                    "a REAL_TIME consumer keeps no commits; use RESUMABLE or LOAD_BALANCED (" + description + ")");
        }
        ensureOpen();
        TopicPartition tp = partition(message.key(), message.shard());
        long offset = message.seq().value();
        if (offset < 0 || offset == Long.MAX_VALUE) {
            throw new IllegalArgumentException("not a Kafka offset: " + message.seq());
        }
        CommitRequest request = new CommitRequest(tp, offset + 1, sync, new CompletableFuture<>());
        commits.add(request);
        if (terminated) {
            failQueued(closedError());
        }
        wake();
        return request.done();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        streamer.forget(this);
        buffer.end(closedError(), true);
        wake();
        Thread thread = poller;
        if (thread != null && thread != Thread.currentThread()) {
            try {
                if (!thread.join(closeTimeout.plusSeconds(5))) {
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
