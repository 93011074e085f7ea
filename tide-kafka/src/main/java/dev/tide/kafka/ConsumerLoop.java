package dev.tide.kafka;

import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The poll loop of a {@link RealKafkaConsumer} and the ownership of its kafka-clients consumer.
 *
 * <p>kafka-clients' {@code KafkaConsumer} may be used by any thread, one at a time (it checks, and
 * fails a concurrent call). Here, the thread using it is whichever holds the hand-off's <em>fetch
 * token</em> ({@link HandOff}); every use of the Kafka consumer except {@code wakeup()} happens under
 * the token, and taking and giving back the token (under the hand-off's lock) orders one holder's use
 * before the next one's. A <em>step</em> is one turn of the loop: store the queued commits, run the
 * queued commands, look for new partitions, pause or resume fetching ({@link #duties}), then
 * {@code poll} and append the records to the hand-off. Two kinds of threads run steps:
 * <ul>
 *   <li>An application thread that finds the hand-off empty and the token free runs a step itself
 *       ({@link #fetch}) and then takes what it fetched, so that an application reading on one thread
 *       has one thread, as with a plain Kafka consumer, instead of two that pass every batch between
 *       them. Only platform threads do (and virtual ones from Java 24 on, which no longer pin their
 *       carrier inside kafka-clients' monitors).</li>
 *   <li>The consumer's own thread, the <em>poller</em> ({@link KafkaThreads}), runs the start-up and
 *       the close, and runs steps while no taker has run one for {@link #YIELD_NANOS} and none waits
 *       for the token (lately): the consumer stays in its group,
 *       keeps fetching up to {@code kafka.buffer-size} records and runs commands while the application
 *       does other things. While takers fetch, it sleeps, and wakes for queued commands and commits
 *       (when the token is free it runs them; when a taker holds it, the taker does at its next step,
 *       or the poller once it is given back).</li>
 * </ul>
 * A taker that finds the token held waits on the hand-off for records or the token, whichever comes
 * first. Rebalance callbacks and commit callbacks run on the token holder, inside a Kafka call.
 * {@code wakeup()} (from any thread, to get the holder out of {@code poll} for a command, a commit or
 * the close) is sent only while the token is held: a command queued before the token is taken is run
 * by the next holder's step before it polls. A {@code WakeupException} may surface from any blocking call of
 * a step; every such call is retried ({@link #call}).
 *
 * <p>State only the token holder touches: the Kafka consumer, {@code skipBelow}, the partition refresh
 * schedule, and the commands' and anchors' own state ({@link ConsumerCommands}, {@link ConsumerAnchors}).
 */
final class ConsumerLoop implements HandOff.Fetcher {

    /** How long after a taker's last step the poller waits before it polls again itself. */
    static final long YIELD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** Whether virtual threads may run steps: from Java 24 on, monitors no longer pin their carrier. */
    private static final boolean VIRTUAL_THREADS_FETCH = Runtime.version().feature() >= 24;

    final RealKafkaStreamer streamer;
    final List<String> topics;
    final ConsumerMode mode;
    final org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> client;
    final HandOff<ConsumerRecord<byte[], byte[]>> buffer = new HandOff<>();
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicBoolean resumeRequested = new AtomicBoolean();
    final Map<String, StreamKey> keyCache = new ConcurrentHashMap<>();
    final int bufferSize;
    final Duration pollInterval;
    final Duration partitionRefresh;
    final Duration closeTimeout;
    final String description;
    final ConsumerCommands commands;
    final ConsumerAnchors anchors;
    volatile boolean paused;
    volatile boolean terminated;
    volatile Thread poller;
    /** Whether a step may poll: a LOAD_BALANCED consumer always, the others once they have a partition. */
    private volatile boolean pollable;
    /** Set when the loop ends (closed, or failed): takers no longer run steps. */
    private volatile boolean stopping;
    /** A failure of a taker's step, for the poller to end the consumer with. */
    private volatile StreamException takerFailure;
    /** When a taker last ran a step ({@link System#nanoTime()}). */
    private volatile long lastTakerStep = System.nanoTime() - 2 * YIELD_NANOS;

    // Token holder's state.
    final Map<TopicPartition, Long> skipBelow = new HashMap<>();
    private long nextRefresh;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    ConsumerLoop(RealKafkaStreamer streamer, List<StreamKey> keys, ConsumerOptions options,
                 org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> client, String resetPolicy,
                 CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commitsAhead) {
        this.streamer = streamer;
        this.topics = keys.stream().map(StreamKey::name).toList();
        this.mode = options.mode();
        this.client = client;
        this.bufferSize = Math.max(1, options.get(KafkaOptions.BUFFER_SIZE));
        this.pollInterval = options.get(KafkaOptions.POLL_INTERVAL);
        this.partitionRefresh = options.get(KafkaOptions.PARTITION_REFRESH);
        this.closeTimeout = options.get(KafkaOptions.CLOSE_TIMEOUT);
        this.description = "KafkaConsumer[" + mode + options.group().map(g -> ", group " + g).orElse("") + ", "
                + streamer.bootstrapServers() + "/" + String.join(",", topics) + "]";
        for (StreamKey key : keys) {
            keyCache.put(key.name(), key);
        }
        this.commands = new ConsumerCommands(this);
        this.anchors = new ConsumerAnchors(this, resetPolicy, commitsAhead);
    }

    // ------------------------------------------------------------------------------------------------
    // The poller thread

    void run() {
        StreamException failure = null;
        try {
            buffer.awaitFetch();
            try {
                anchors.start();
                nextRefresh = System.nanoTime() + partitionRefresh.toNanos();
                pollable = mode == ConsumerMode.LOAD_BALANCED || !client.assignment().isEmpty();
            } finally {
                buffer.release();
            }
            while (!closed.get() && !stopping) {
                if (!takersActive()) {
                    if (buffer.tryFetch()) {
                        boolean polled;
                        try {
                            polled = step(pollInterval.toNanos());
                        } finally {
                            buffer.release();
                        }
                        if (!polled) {
                            // No partition yet (the topics do not exist yet): poll() would refuse; wait for a
                            // command or the next partition refresh instead.
                            LockSupport.parkNanos(this, Math.min(pollInterval.toNanos(), partitionRefresh.toNanos()));
                        }
                        continue;
                    }
                } else if (hasWork() && buffer.tryFetch()) {
                    try {
                        duties();
                    } finally {
                        buffer.release();
                    }
                    continue;
                }
                LockSupport.parkNanos(this, YIELD_NANOS);
            }
        } catch (Throwable t) {
            if (!closed.get()) {
                failure = Errors.translate(t, "reading " + String.join(",", topics));
            }
        } finally {
            stopping = true;
            if (failure == null && !closed.get()) {
                failure = takerFailure;
            }
            terminate(failure);
        }
    }

    /** Stores what is left, closes the Kafka consumer once no taker uses it, and ends the hand-off. */
    private void terminate(StreamException failure) {
        StreamException end = failure != null ? failure : commands.closedError();
        buffer.awaitFetch();
        try {
            commands.flushCommits(true);
        } catch (RuntimeException e) {
            // the queued commits fail below
        }
        anchors.settle(client.assignment());
        try {
            client.close(CloseOptions.timeout(closeTimeout));
        } catch (RuntimeException e) {
            // nothing more to do for a consumer that is going away
        }
        commands.failPostponed(end);
        terminated = true;
        buffer.end(end, failure == null);
        ready.completeExceptionally(end);
        commands.failQueued(end);
    }

    /**
     * Whether a taker ran a step or waited for the token lately, or waits for it now: then the poller
     * leaves the polling to the takers.
     */
    private boolean takersActive() {
        return System.nanoTime() - lastTakerStep < YIELD_NANOS || buffer.tokenWanted(YIELD_NANOS);
    }

    /** Whether something was queued that a step should do soon. */
    private boolean hasWork() {
        return commands.hasQueued() || resumeRequested.get();
    }

    // ------------------------------------------------------------------------------------------------
    // Steps, by the token holder

    /**
     * One turn of the loop, by the token holder: the duties, then {@code poll} for at most
     * {@code pollNanos} and hand the records over.
     *
     * @return false if it could not poll (no partition yet)
     */
    private boolean step(long pollNanos) {
        duties();
        if (!pollable) {
            return false;
        }
        if (closed.get() || commands.hasCommands()) {
            // Queued while the duties ran (a wakeup sent meanwhile may have been spent on a retried call):
            // a new step runs it instead of a poll that could wait the whole poll interval.
            return true;
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = client.poll(Duration.ofNanos(pollNanos));
        } catch (WakeupException e) {
            return true;
        }
        deliver(records);
        return true;
    }

    /** Everything a step does besides polling. */
    private void duties() {
        commands.flushCommits(false);
        anchors.retry();
        commands.runQueued();
        refreshPartitions();
        adjustPause();
        pollable = mode == ConsumerMode.LOAD_BALANCED || !client.assignment().isEmpty();
    }

    @Override
    public boolean mayFetch() {
        Thread me = Thread.currentThread();
        return pollable && !stopping && !closed.get() && !me.isInterrupted() && (VIRTUAL_THREADS_FETCH || !me.isVirtual());
    }

    /** A taker's step (it holds the token); a failure of the Kafka consumer ends the consumer, as on the poller. */
    @Override
    public void fetch(long timeoutNanos) {
        try {
            step(Math.min(timeoutNanos, pollInterval.toNanos()));
        } catch (WakeupException e) {
            // for a command or the close: the caller takes again
        } catch (InterruptException e) {
            // kafka-clients has set the interrupt flag again: the caller's wait reports it
        } catch (RuntimeException e) {
            if (takerFailure == null) {
                takerFailure = Errors.translate(e, "reading " + String.join(",", topics));
            }
            stopping = true;
        } finally {
            lastTakerStep = System.nanoTime();
        }
    }

    @Override
    public void released() {
        if (stopping || hasWork()) {
            LockSupport.unpark(poller);
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

    private void adjustPause() {
        int size = buffer.size();
        if (!paused && size >= bufferSize) {
            client.pause(client.assignment());
            paused = true;
        } else if (paused && size <= bufferSize / 2) {
            paused = false;
            client.resume(client.paused());
            resumeRequested.set(false);
        } else if (!paused) {
            // A taker may have asked just as the partitions were resumed.
            resumeRequested.set(false);
        }
    }

    /** Runs a blocking Kafka call, again if a wakeup meant for {@code poll} interrupted it. */
    <T> T call(Supplier<T> kafkaCall) {
        while (true) {
            try {
                return kafkaCall.get();
            } catch (WakeupException e) {
                // retry: the wakeup was for the poll loop
            }
        }
    }

    /** Forgets the buffered records and positioning state of partitions that left this consumer or moved. */
    void forget(Set<TopicPartition> partitions) {
        buffer.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
        skipBelow.keySet().removeAll(partitions);
    }

    // ------------------------------------------------------------------------------------------------
    // Partition discovery

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
        CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).whenComplete((v, e) ->
                commands.queue("adding new partitions", () -> {
                    refreshing.set(false);
                    addPartitions(found);
                    return null;
                }));
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

    // ------------------------------------------------------------------------------------------------
    // Any thread

    /**
     * Gets the token holder out of {@code poll} (only when the token is held: a free token's next holder
     * runs the queued work before it polls) and the poller out of its sleep.
     */
    void wake() {
        if (buffer.fetching()) {
            client.wakeup();
        }
        Thread thread = poller;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }
}
