package dev.tide.redis;

import dev.tide.Message;
import dev.tide.StreamException;
import io.lettuce.core.RedisFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A group-mode consumer's acknowledgement bookkeeping: {@code commit}, {@code ack} marks and
 * {@code commitAcks}, the automatic modes ({@link AutoCommit}), and the XACKs themselves.
 *
 * <p>What this consumer holds is tracked per shard in {@link ShardState}: {@code next()} moves an entry
 * from {@code buffered} to {@code delivered} (and with {@link AutoCommit#DELAYED} queues it here, due
 * after {@link RedisOptions#AUTO_COMMIT_DELAY}); a mark ({@link #ack}, or a due delay) moves it to
 * {@code pendingAck}; a confirmed XACK (of the marks, or of everything up to a committed message)
 * forgets it. With {@link AutoCommit#ROLLING} and {@link AutoCommit#DELAYED} the {@link Housekeeper}
 * sends the marks every {@link RedisOptions#AUTO_COMMIT_INTERVAL}, or at once when a page's worth is
 * marked.
 *
 * <p>The mutable fields (the delay queue, the count of marks, the early-round flag) and the sets in
 * {@link ShardState} are guarded by the consumer's lock; XACKs are sent without it, on the shared control
 * connection, from the thread that asks (the application's, a reader's or the housekeeper's).
 */
final class Acks {

    private record DelayedAck(ShardState shard, EntryId id, long dueNanos) {
    }

    private final RedisConsumerImpl owner;
    private final AutoCommit autoCommit;
    private final long delayNanos;
    /** The housekeeper sends marked acknowledgements (ROLLING, DELAYED). */
    final boolean background;
    /** DELAYED: the delivered messages, in delivery order, with the time their acknowledgement is due. */
    private final ArrayDeque<DelayedAck> delayed = new ArrayDeque<>();
    /** ROLLING / DELAYED: marks made with ack() since the last early acknowledgement round. */
    private int marksSinceAck;
    /** ROLLING / DELAYED: a page's worth of marks is waiting; the housekeeper acknowledges them at once. */
    private boolean acksDue;

    Acks(RedisConsumerImpl owner, AutoCommit autoCommit, long delayNanos) {
        this.owner = owner;
        this.autoCommit = autoCommit;
        this.delayNanos = delayNanos;
        this.background = owner.group && !owner.noAck && (autoCommit == AutoCommit.DELAYED || autoCommit == AutoCommit.ROLLING);
    }

    /** Under the lock, DELAYED: {@code next()} returned the entry; it is acknowledged once its delay has passed. */
    void delay(ShardState s, EntryId id) {
        delayed.addLast(new DelayedAck(s, id, System.nanoTime() + delayNanos));
    }

    /** {@link dev.tide.Consumer#commit}: acknowledges the message and what this consumer holds before it on its shard. Blocks. */
    void commit(Message message) {
        checkGroupMode("commit");
        if (owner.noAck) {
            return;
        }
        EntryId upTo = EntryId.of(message.seq());
        List<RedisConsumerImpl.Ack> acks = new ArrayList<>();
        owner.lock.lock();
        try {
            boolean found = false;
            for (ShardState s : owner.shards.values()) {
                if (s.key.equals(message.key()) && s.shard.equals(message.shard())) {
                    found = true;
                    for (EntryId id : s.delivered) {
                        if (id.compareTo(upTo) <= 0) {
                            acks.add(new RedisConsumerImpl.Ack(s, id));
                        }
                    }
                    for (EntryId id : s.pendingAck) {
                        if (id.compareTo(upTo) <= 0) {
                            acks.add(new RedisConsumerImpl.Ack(s, id));
                        }
                    }
                    if (!s.delivered.contains(upTo) && !s.pendingAck.contains(upTo) && s.redisKey.equals(redisKeyGuess(message))) {
                        acks.add(new RedisConsumerImpl.Ack(s, upTo));
                    }
                }
            }
            if (!found) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND, "shard " + message.shard() + " of "
                        + message.key() + " is not read by this consumer");
            }
        } finally {
            owner.lock.unlock();
        }
        send(acks, true);
    }

    private String redisKeyGuess(Message m) {
        return m.shard().id() == 0 && owner.shards.containsKey(m.key().name()) ? m.key().name()
                : RedisProducerImpl.shardKey(m.key(), m.shard());
    }

    /** {@link RedisConsumer#ack}: marks a delivered message for acknowledgement. Does not block. */
    void ack(Message message) {
        checkGroupMode("ack");
        if (owner.noAck) {
            return;
        }
        EntryId id = EntryId.of(message.seq());
        owner.lock.lock();
        try {
            for (ShardState s : owner.shards.values()) {
                if (s.key.equals(message.key()) && s.shard.equals(message.shard()) && s.delivered.remove(id)) {
                    s.pendingAck.add(id);
                    if (background && ++marksSinceAck >= owner.batchSize) {
                        // a page's worth marked: the housekeeper sends them now, in one XACK per shard,
                        // while the application goes on (instead of one huge XACK per interval)
                        marksSinceAck = 0;
                        acksDue = true;
                        owner.changed.signalAll();
                    }
                }
            }
        } finally {
            owner.lock.unlock();
        }
    }

    /** {@link RedisConsumer#commitAcks}: acknowledges every marked message now. Blocks. */
    void commitAcks() {
        checkGroupMode("commitAcks");
        if (owner.noAck) {
            return;
        }
        send(marked(), true);
    }

    /** Under the lock, for the housekeeper: whether a page's worth of marks waits for an early round; clears it. */
    boolean takeDue() {
        if (!acksDue) {
            return false;
        }
        acksDue = false;
        return true;
    }

    private List<RedisConsumerImpl.Ack> marked() {
        List<RedisConsumerImpl.Ack> acks = new ArrayList<>();
        owner.lock.lock();
        try {
            for (ShardState s : owner.shards.values()) {
                for (EntryId id : s.pendingAck) {
                    acks.add(new RedisConsumerImpl.Ack(s, id));
                }
            }
        } finally {
            owner.lock.unlock();
        }
        return acks;
    }

    private void checkGroupMode(String what) {
        if (!owner.group) {
            throw new StreamException(StreamException.Kind.COMMIT_NOT_ALLOWED,
                    "a REAL_TIME consumer keeps no commits (" + what + "); use RESUMABLE or LOAD_BALANCED");
        }
    }

    /**
     * XACKs entries, pipelined per key, and forgets them once stored. Blocks.
     *
     * @param strict true to throw on failure; false to keep them marked for a later try
     */
    void send(List<RedisConsumerImpl.Ack> acks, boolean strict) {
        if (acks.isEmpty()) {
            return;
        }
        Map<ShardState, List<EntryId>> byShard = new LinkedHashMap<>();
        for (RedisConsumerImpl.Ack a : acks) {
            byShard.computeIfAbsent(a.shard(), k -> new ArrayList<>()).add(a.id());
        }
        Map<ShardState, RedisFuture<Long>> futures = new LinkedHashMap<>();
        byShard.forEach((s, ids) -> futures.put(s, owner.backend.control.async().xack(s.redisKey, owner.groupName,
                ids.stream().map(EntryId::toString).toArray(String[]::new))));
        StreamException error = null;
        for (Map.Entry<ShardState, RedisFuture<Long>> f : futures.entrySet()) {
            try {
                Errors.await(f.getValue(), owner.wait, "XACK " + f.getKey().redisKey + " " + owner.groupName);
                List<EntryId> done = byShard.get(f.getKey());
                owner.lock.lock();
                try {
                    done.forEach(f.getKey().delivered::remove);
                    done.forEach(f.getKey().pendingAck::remove);
                } finally {
                    owner.lock.unlock();
                }
            } catch (StreamException e) {
                if (e.kind() == StreamException.Kind.INTERRUPTED) {
                    throw e;
                }
                error = error == null ? e : error;
            }
        }
        if (error != null && strict) {
            throw error;
        }
    }

    /** The housekeeper's round: marks the messages whose delay has passed and acknowledges every mark. Blocks. */
    void autoAck() {
        owner.lock.lock();
        try {
            moveDueAcks();
        } finally {
            owner.lock.unlock();
        }
        send(marked(), false);
    }

    /** Under the lock: marks the messages whose {@link AutoCommit#DELAYED} delay has passed. */
    private void moveDueAcks() {
        long now = System.nanoTime();
        while (!delayed.isEmpty() && delayed.peekFirst().dueNanos() - now <= 0) {
            DelayedAck d = delayed.pollFirst();
            if (d.shard().delivered.remove(d.id())) {
                d.shard().pendingAck.add(d.id());
            }
        }
    }

    /**
     * On close, group modes with acknowledgements: sends what the application acknowledged, and with
     * {@link AutoCommit#DELAYED} the messages whose delay has passed (never a message the application got
     * but did not commit before its delay). With {@link AutoCommit#DISABLED} a mark not yet committed goes
     * back to delivered: closing does not acknowledge it. Blocks.
     */
    void finish() {
        owner.lock.lock();
        try {
            if (autoCommit == AutoCommit.DELAYED) {
                moveDueAcks();
            }
            if (autoCommit == AutoCommit.DISABLED) {
                for (ShardState s : owner.shards.values()) {
                    s.delivered.addAll(s.pendingAck);
                    s.pendingAck.clear();
                }
            }
        } finally {
            owner.lock.unlock();
        }
        send(marked(), false);
    }
}
