package dev.tide.kafka;

import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;

/**
 * What application threads ask of a consumer's Kafka consumer, and the token holder does
 * ({@link ConsumerLoop}): positioning commands ({@code seek}, {@code rewind}, {@code assign},
 * {@code unassign}, {@code assignment}) and commits. Each request is queued (lock-free) and the loop
 * woken; the caller blocks on the request's future. Commits have their own queue so that a rebalance
 * callback can store them without running positioning commands in the middle of a rebalance.
 *
 * <p>Token holder's state: {@code selection}, {@code selected} and {@code retryCommits} (commit
 * callbacks run on the token holder too).
 */
final class ConsumerCommands {

    /** A request for the token holder. */
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

    private final ConsumerLoop loop;
    private final ConcurrentLinkedQueue<Command<?>> commands = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<CommitRequest> commits = new ConcurrentLinkedQueue<>();

    // Token holder's state.
    private final Set<TopicPartition> selection = new HashSet<>();
    private boolean selected;
    private final List<CommitRequest> retryCommits = new ArrayList<>();

    ConsumerCommands(ConsumerLoop loop) {
        this.loop = loop;
    }

    // ------------------------------------------------------------------------------------------------
    // Application side

    /** Runs {@code action} on the token holder and waits for it. */
    <T> T submit(String what, Supplier<T> action) {
        ensureOpen();
        Command<T> c = new Command<>(what, action);
        commands.add(c);
        if (loop.terminated) {
            failQueued(closedError());
        }
        loop.wake();
        return await(c.done, what);
    }

    /** Queues an action for the next step without waiting (from kafka-clients' admin thread). */
    void queue(String what, Supplier<Void> action) {
        commands.add(new Command<>(what, action));
    }

    /** Queues a commit of the offset after {@code offset} and wakes the loop. */
    CompletableFuture<Void> submitCommit(TopicPartition tp, long offset, boolean sync) {
        ensureOpen();
        CommitRequest request = new CommitRequest(tp, offset + 1, sync, new CompletableFuture<>());
        commits.add(request);
        if (loop.terminated) {
            failQueued(closedError());
        }
        loop.wake();
        return request.done();
    }

    /** Whether a command or a commit waits to be run. */
    boolean hasQueued() {
        return !commands.isEmpty() || !commits.isEmpty();
    }

    /** Whether a command waits to be run. */
    boolean hasCommands() {
        return !commands.isEmpty();
    }

    static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, what);
        } catch (ExecutionException e) {
            throw Errors.translate(e.getCause(), what);
        }
    }

    void ensureOpen() {
        if (loop.closed.get()) {
            throw closedError();
        }
    }

    StreamException closedError() {
        return new StreamException(StreamException.Kind.CLOSED, loop.description + " is closed");
    }

    /** Fails every queued request (any thread: each request completes once). */
    void failQueued(StreamException error) {
        Command<?> c;
        while ((c = commands.poll()) != null) {
            c.done.completeExceptionally(error);
        }
        CommitRequest r;
        while ((r = commits.poll()) != null) {
            r.done().completeExceptionally(error);
        }
    }

    /** Fails the commits a rebalance postponed (token holder, when the consumer ends). */
    void failPostponed(StreamException error) {
        retryCommits.forEach(x -> x.done().completeExceptionally(error));
        retryCommits.clear();
    }

    // ------------------------------------------------------------------------------------------------
    // Token holder

    void runQueued() {
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
     * Stores the queued commits (and those a rebalance postponed); {@code forceSync} waits for them. A
     * commit supersedes the pending anchor of its partition (kafka-clients sends one consumer's commits in
     * order, so it is stored after the anchor), and carries the pending anchors of the other partitions
     * along: once an application's commit is stored, so is every anchor.
     */
    void flushCommits(boolean forceSync) {
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
        var client = loop.client;
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
        Map<TopicPartition, Long> carried = loop.anchors.carry(offsets, owned);
        if (sync) {
            try {
                loop.call(() -> {
                    client.commitSync(offsets);
                    return null;
                });
                loop.anchors.stored(carried);
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
                    loop.anchors.stored(carried);
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

    // ------------------------------------------------------------------------------------------------
    // Positioning, by the token holder

    /** The partitions positioning applies to: the selection (all until the first assign) that this consumer owns. */
    private Set<TopicPartition> targets() {
        Set<TopicPartition> owned = new HashSet<>(loop.client.assignment());
        if (selected) {
            owned.retainAll(selection);
        }
        return owned;
    }

    private void repositioned(Set<TopicPartition> targets) {
        loop.forget(targets);
        for (TopicPartition tp : targets) {
            loop.call(() -> loop.client.position(tp));
        }
    }

    Void doSeek(Instant time) {
        Set<TopicPartition> targets = targets();
        if (targets.isEmpty()) {
            return null;
        }
        var client = loop.client;
        // Kafka timestamps are milliseconds: the first record at or after `time` is at or after its ceiling.
        long ms = time.toEpochMilli() + (time.getNano() % 1_000_000 == 0 ? 0 : 1);
        Map<TopicPartition, Long> query = new HashMap<>();
        targets.forEach(tp -> query.put(tp, Math.max(0, ms)));
        Map<TopicPartition, OffsetAndTimestamp> found = loop.call(() -> client.offsetsForTimes(query));
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

    Void doRewind(SeqPos position) {
        Set<TopicPartition> targets = targets();
        if (targets.isEmpty()) {
            return null;
        }
        var client = loop.client;
        switch (position) {
            case SeqPos.Beginning b -> client.seekToBeginning(targets);
            case SeqPos.End e -> client.seekToEnd(targets);
            case SeqPos.At at -> {
                long n = at.seq().value() < 0 ? Long.MAX_VALUE : at.seq().value();
                Map<TopicPartition, Long> begin = loop.call(() -> client.beginningOffsets(targets));
                Map<TopicPartition, Long> end = loop.call(() -> client.endOffsets(targets));
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
                loop.skipBelow.putAll(skips);
                return null;
            }
        }
        repositioned(targets);
        return null;
    }

    Void doAssign(TopicPartition tp) {
        checkPartitionExists(tp);
        if (!selected) {
            selection.clear();
            selected = true;
        }
        selection.add(tp);
        return null;
    }

    Void doUnassign(TopicPartition tp) {
        if (!selected) {
            selection.clear();
            for (String topic : loop.topics) {
                for (var info : loop.call(() -> loop.client.partitionsFor(topic))) {
                    selection.add(new TopicPartition(topic, info.partition()));
                }
            }
            selected = true;
        }
        if (!selection.contains(tp)) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                    "stream " + tp.topic() + " shard " + tp.partition() + " is not assigned to " + loop.description);
        }
        if (selection.size() == 1) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY,
                    "stream " + tp.topic() + " shard " + tp.partition() + " is the last one assigned to " + loop.description);
        }
        selection.remove(tp);
        return null;
    }

    private void checkPartitionExists(TopicPartition tp) {
        int count = loop.call(() -> loop.client.partitionsFor(tp.topic())).size();
        if (tp.partition() >= count) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                    "topic " + tp.topic() + " has " + count + " partition" + (count == 1 ? "" : "s") + "; there is no shard "
                            + tp.partition());
        }
    }

    Map<StreamKey, Set<ShardId>> doAssignment() {
        Map<StreamKey, Set<ShardId>> out = new TreeMap<>();
        for (TopicPartition tp : loop.client.assignment()) {
            out.computeIfAbsent(loop.keyCache.computeIfAbsent(tp.topic(), StreamKey::of), k -> new TreeSet<>())
                    .add(ShardId.of(tp.partition()));
        }
        out.replaceAll((k, v) -> Set.copyOf(v));
        return Map.copyOf(out);
    }
}
