package dev.tide.kafka;

import dev.tide.ConsumerMode;
import dev.tide.StreamException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * A consumer's start-up and the anchoring of its group's start, by the token holder
 * ({@link ConsumerLoop}): the first assignment (or subscription), the positions at the group's commits,
 * the asynchronous anchoring commits and the group protocol's callbacks.
 *
 * <p>Token holder's state: {@code pendingAnchors} and {@code anchorRetryAt} (commit callbacks run on
 * the token holder too).
 */
final class ConsumerAnchors {

    /** How long to wait before sending anchors again whose commit failed with a retriable error. */
    private static final long ANCHOR_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ConsumerLoop loop;
    private final String resetPolicy;
    /** A RESUMABLE consumer's group commits, asked of the streamer's admin client while this consumer starts. */
    private final CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commitsAhead;

    // Token holder's state.
    /** Start positions committed asynchronously ({@link #anchor}) and not yet known to be stored nor superseded. */
    private final Map<TopicPartition, Long> pendingAnchors = new HashMap<>();
    /** When to send {@link #pendingAnchors} again after a retriable failure; 0 when no retry is due. */
    private long anchorRetryAt;

    ConsumerAnchors(ConsumerLoop loop, String resetPolicy,
                    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commitsAhead) {
        this.loop = loop;
        this.resetPolicy = resetPolicy;
        this.commitsAhead = commitsAhead;
    }

    /**
     * Subscribes (LOAD_BALANCED: {@code ready} completes on the first assignment) or assigns every
     * partition, anchors a RESUMABLE consumer's start and resolves the positions, then completes
     * {@code ready}.
     */
    void start() {
        var client = loop.client;
        if (loop.mode == ConsumerMode.LOAD_BALANCED) {
            client.subscribe(loop.topics, new Rebalance());
            return;
        }
        Set<TopicPartition> all = new HashSet<>();
        for (String topic : loop.topics) {
            for (var info : loop.call(() -> client.partitionsFor(topic))) {
                all.add(new TopicPartition(info.topic(), info.partition()));
            }
        }
        client.assign(all);
        if (loop.mode == ConsumerMode.RESUMABLE) {
            anchor(all, this::committedAhead);
        }
        for (TopicPartition tp : all) {
            loop.call(() -> client.position(tp));
        }
        loop.ready.complete(null);
    }

    /** The group protocol's callbacks, on the token holder inside {@code poll}. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            // Store what the application committed (or else the anchors) before the partitions move, then
            // drop what it has not taken yet: the new owner starts right after the last commit.
            loop.commands.flushCommits(true);
            settle(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            var client = loop.client;
            if (loop.paused && !partitions.isEmpty()) {
                client.pause(partitions);
            }
            anchor(partitions, set -> loop.call(() -> client.committed(set)));
            for (TopicPartition tp : partitions) {
                loop.call(() -> client.position(tp));
            }
            loop.ready.complete(null);
        }

        private void forget(Collection<TopicPartition> partitions) {
            Set<TopicPartition> gone = new HashSet<>(partitions);
            pendingAnchors.keySet().removeAll(gone);
            loop.forget(gone);
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
     * anchors of the partitions that leave, and closing stores the rest ({@link #settle}). The
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
        var client = loop.client;
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
                start.put(tp, loop.call(() -> client.position(tp)));
            }
            pendingAnchors.putAll(start);
            send(start);
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
                all = commitsAhead.get(loop.pollInterval.toNanos(), TimeUnit.NANOSECONDS);
                break;
            } catch (java.util.concurrent.TimeoutException e) {
                if (loop.closed.get()) {
                    throw loop.commands.closedError();
                }
            } catch (ExecutionException e) {
                return loop.call(() -> loop.client.committed(partitions));
            } catch (InterruptedException e) {
                throw StreamException.interrupted(e, "reading the commits of " + loop.description);
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

    /** Commits anchors asynchronously; their callback runs on the token holder (inside a later Kafka call). */
    private void send(Map<TopicPartition, Long> anchors) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        anchors.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
        loop.client.commitAsync(offsets, (stored, e) -> {
            if (e == null) {
                stored(anchors);
            } else if (e instanceof RetriableException || e instanceof RebalanceInProgressException) {
                // Still pending: sent again shortly, carried by the next commit, or stored on revoke or close.
                if (anchorRetryAt == 0) {
                    anchorRetryAt = System.nanoTime() + ANCHOR_RETRY_NANOS;
                }
            } else {
                // Best effort, as above: the member lost the partitions, or the group may not commit.
                stored(anchors);
            }
        });
    }

    /** Forgets anchors that are stored (or given up), unless a newer value for the partition is pending. */
    void stored(Map<TopicPartition, Long> anchors) {
        anchors.forEach(pendingAnchors::remove);
    }

    /**
     * Lets a commit of {@code offsets} supersede the pending anchors of its partitions and carry those of
     * the other owned partitions (added to {@code offsets}).
     *
     * @return the anchors carried, to pass to {@link #stored} once the commit is stored
     */
    Map<TopicPartition, Long> carry(Map<TopicPartition, OffsetAndMetadata> offsets, Set<TopicPartition> owned) {
        pendingAnchors.keySet().removeAll(offsets.keySet());
        Map<TopicPartition, Long> carried = new HashMap<>();
        pendingAnchors.forEach((tp, offset) -> {
            if (owned.contains(tp)) {
                carried.put(tp, offset);
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
        });
        return carried;
    }

    /** Sends the pending anchors again once the wait after a retriable failure is over. */
    void retry() {
        if (anchorRetryAt == 0 || System.nanoTime() - anchorRetryAt < 0) {
            return;
        }
        anchorRetryAt = 0;
        Map<TopicPartition, Long> owned = new HashMap<>(pendingAnchors);
        owned.keySet().retainAll(loop.client.assignment());
        pendingAnchors.keySet().retainAll(owned.keySet());
        if (!owned.isEmpty()) {
            send(owned);
        }
    }

    /**
     * Stores the pending anchors of these partitions and waits for it (a synchronous commit is stored
     * after every asynchronous one sent before it); best effort. Then forgets them.
     */
    void settle(Collection<TopicPartition> partitions) {
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
            loop.call(() -> {
                loop.client.commitSync(offsets);
                return null;
            });
        } catch (RuntimeException e) {
            // Best effort, as in anchor().
        }
    }
}
