package dev.tide.redis;

import dev.tide.StreamException;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A group-mode consumer's failover: in {@link dev.tide.ConsumerMode#LOAD_BALANCED}, claiming the entries
 * another member left idle (XAUTOCLAIM, on the {@link Housekeeper} thread) and, on close, handing back
 * what this member still holds; in both group modes, moving entries delivered too often to the dead-letter
 * stream ({@link RedisOptions#DEAD_LETTER_STREAM}) as they are claimed or replayed (on the housekeeper or
 * a {@link Reader} thread).
 *
 * <p>Network calls go through the shared control connection without the consumer's lock; the lock is
 * taken only to read the shard table, to read and move the claim cursors ({@link ShardState#claimCursor}),
 * to take claimed entries into the buffer and to drop dead-lettered ones from it.
 */
final class Failover {

    private static final Duration HAND_BACK_IDLE = Duration.ofDays(30);

    private final RedisConsumerImpl owner;
    private final Duration claimIdle;
    private final String deadLetter;
    private final int maxDeliveries;

    Failover(RedisConsumerImpl owner, Duration claimIdle, String deadLetter, int maxDeliveries) {
        this.owner = owner;
        this.claimIdle = claimIdle;
        this.deadLetter = deadLetter;
        this.maxDeliveries = maxDeliveries;
    }

    /**
     * LOAD_BALANCED failover: when another member left entries unacknowledged for longer than the idle
     * threshold, claims idle entries for this consumer with XAUTOCLAIM, following its cursor page by page
     * (a round may span several housekeeping turns while the buffer is full).
     */
    void claim() {
        List<ShardState> all = shardSnapshot();
        for (ShardState s : all) {
            boolean resuming;
            owner.lock.lock();
            try {
                resuming = !s.claimCursor.equals(EntryId.ZERO);
            } finally {
                owner.lock.unlock();
            }
            if (!resuming && !othersIdle(s)) {
                continue;
            }
            while (true) {
                EntryId cursor;
                owner.lock.lock();
                try {
                    if (owner.closed || (owner.prefetch ? owner.buffer.size() >= owner.batchSize : !owner.buffer.isEmpty())) {
                        return;
                    }
                    cursor = s.claimCursor;
                } finally {
                    owner.lock.unlock();
                }
                XAutoClaimArgs<String> args = new XAutoClaimArgs<String>()
                        .consumer(io.lettuce.core.Consumer.from(owner.groupName, owner.consumerName))
                        .minIdleTime(claimIdle).startId(cursor.toString()).count(owner.batchSize);
                ClaimedMessages<String, byte[]> claimed;
                try {
                    claimed = Errors.await(owner.backend.control.async().xautoclaim(s.redisKey, args), owner.wait,
                            "XAUTOCLAIM " + s.redisKey + " " + owner.groupName);
                } catch (StreamException e) {
                    if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                        break;
                    }
                    throw e;
                }
                List<StreamMessage<String, byte[]>> got = screenDeadLetters(s, claimed.getMessages());
                EntryId next = EntryId.parse(claimed.getId());
                List<RedisConsumerImpl.Ack> acks;
                owner.lock.lock();
                try {
                    s.claimCursor = next;
                    acks = owner.accept(new RedisConsumerImpl.Plan(List.of(s), List.of(), false, true), got);
                    owner.changed.signalAll();
                } finally {
                    owner.lock.unlock();
                }
                owner.acks.send(acks, false);
                if (next.equals(EntryId.ZERO)) {
                    break;
                }
            }
        }
    }

    /**
     * Whether another member holds an entry of this shard unacknowledged for longer than
     * {@link RedisOptions#AUTO_CLAIM_IDLE} ({@code XPENDING … IDLE}), so a claim round is due. A member
     * never starts a round for its own entries: the application is still working on them.
     */
    private boolean othersIdle(ShardState s) {
        XPendingArgs<String> args = XPendingArgs.Builder.<String>xpending(owner.groupName, Range.create("-", "+"),
                Limit.from(owner.batchSize)).idle(claimIdle);
        List<PendingMessage> idle;
        try {
            idle = Errors.await(owner.backend.control.async().xpending(s.redisKey, args), owner.wait,
                    "XPENDING " + s.redisKey + " " + owner.groupName);
        } catch (StreamException e) {
            if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                return false;
            }
            throw e;
        }
        return idle.stream().anyMatch(p -> !owner.consumerName.equals(p.getConsumer()));
    }

    /**
     * Moves entries delivered more than {@link RedisOptions#MAX_DELIVERIES} times to the dead-letter
     * stream (XADD there, XACK here) and returns the others. An entry this consumer still holds counts
     * too: every claim after {@link RedisOptions#AUTO_CLAIM_IDLE} is a delivery, as a visibility timeout
     * that expired. Blocks.
     */
    List<StreamMessage<String, byte[]>> screenDeadLetters(ShardState s, List<StreamMessage<String, byte[]>> got) {
        if (deadLetter.isEmpty() || got.isEmpty() || owner.noAck) {
            return got;
        }
        RedisClusterAsyncCommands<String, byte[]> c = owner.backend.control.async();
        List<PendingMessage> pending = Errors.await(c.xpending(s.redisKey,
                io.lettuce.core.Consumer.from(owner.groupName, owner.consumerName),
                Range.create(got.get(0).getId(), got.get(got.size() - 1).getId()), Limit.from(got.size())), owner.wait,
                "XPENDING " + s.redisKey + " " + owner.groupName);
        Map<String, Long> deliveries = new HashMap<>();
        for (PendingMessage p : pending) {
            deliveries.put(p.getId(), p.getRedeliveryCount());
        }
        List<StreamMessage<String, byte[]>> keep = new ArrayList<>();
        for (StreamMessage<String, byte[]> m : got) {
            if (deliveries.getOrDefault(m.getId(), 0L) > maxDeliveries) {
                byte[] payload = m.getBody().get(owner.backend.field);
                if (payload != null) {
                    Errors.await(c.xadd(deadLetter, owner.backend.field, payload,
                            "origin", s.redisKey.getBytes(StandardCharsets.UTF_8),
                            "origin-id", m.getId().getBytes(StandardCharsets.UTF_8)), owner.wait, "XADD " + deadLetter);
                }
                Errors.await(c.xack(s.redisKey, owner.groupName, m.getId()), owner.wait, "XACK " + s.redisKey);
                forget(s, EntryId.parse(m.getId()));
            } else {
                keep.add(m);
            }
        }
        return keep;
    }

    /** Drops an entry this consumer may hold (it was dead-lettered): from the buffer and the bookkeeping. */
    private void forget(ShardState s, EntryId id) {
        owner.lock.lock();
        try {
            if (s.buffered.remove(id)) {
                owner.buffer.removeIf(e -> e.shard() == s && id.equals(e.id()));
            }
            s.delivered.remove(id);
            s.pendingAck.remove(id);
        } finally {
            owner.lock.unlock();
        }
    }

    /**
     * On close, LOAD_BALANCED: hands back what this member still holds, after its final acknowledgements.
     * Everything still pending for it (another member may have claimed some meanwhile) is made to look
     * idle for long, so the next XAUTOCLAIM of any other member takes it. Blocks.
     */
    void handBack() {
        List<ShardState> all = shardSnapshot();
        io.lettuce.core.Consumer<String> me = io.lettuce.core.Consumer.from(owner.groupName, owner.consumerName);
        Map<ShardState, RedisFuture<List<PendingMessage>>> pending = new LinkedHashMap<>();
        for (ShardState s : all) {
            pending.put(s, owner.backend.control.async().xpending(s.redisKey, me, Range.create("-", "+"), Limit.from(100_000)));
        }
        for (Map.Entry<ShardState, RedisFuture<List<PendingMessage>>> p : pending.entrySet()) {
            String[] back = Errors.await(p.getValue(), owner.wait, "XPENDING " + p.getKey().redisKey + " " + owner.groupName).stream()
                    .map(PendingMessage::getId).toArray(String[]::new);
            if (back.length > 0) {
                Errors.await(owner.backend.control.async().xclaim(p.getKey().redisKey, me,
                        XClaimArgs.Builder.justid().idle(HAND_BACK_IDLE), back), owner.wait,
                        "handing messages back to group " + owner.groupName);
            }
        }
    }

    /** The consumer's shards at this moment, copied under its lock. */
    private List<ShardState> shardSnapshot() {
        owner.lock.lock();
        try {
            return new ArrayList<>(owner.shards.values());
        } finally {
            owner.lock.unlock();
        }
    }
}
