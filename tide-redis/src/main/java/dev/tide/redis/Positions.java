package dev.tide.redis;

import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A consumer's positioning: the shards assigned for positioning ({@code assign}/{@code unassign}),
 * {@code seek} and {@code rewind}, and pausing the {@link Reader}s around a change of positions or of
 * the shard table.
 *
 * <p>Positioning first <em>pauses</em> the readers: each blocked XREAD is woken with
 * {@code CLIENT UNBLOCK} (after two seconds, by closing its connection) and its answer is taken in before
 * the positions change, so no read straddles a change. The pause count and the assigned set are guarded
 * by the consumer's lock; the wake-ups and the positioning commands run without it, on the calling
 * thread.
 */
final class Positions {

    private record ShardRef(StreamKey key, ShardId shard) {
    }

    private final RedisConsumerImpl owner;
    /** The shards assigned for positioning; empty means all of them. Guarded by the consumer's lock. */
    private Set<ShardRef> assigned = new LinkedHashSet<>();

    Positions(RedisConsumerImpl owner) {
        this.owner = owner;
    }

    /** {@link dev.tide.Consumer#assign}: adds a shard to those that seek and rewind move. */
    void assign(StreamKey key, ShardId shard) {
        requireKey(key);
        owner.lock.lock();
        try {
            assigned.add(new ShardRef(key, shard));
        } finally {
            owner.lock.unlock();
        }
    }

    /** {@link dev.tide.Consumer#unassign}: removes a shard from those that seek and rewind move. */
    void unassign(StreamKey key, ShardId shard) {
        requireKey(key);
        owner.lock.lock();
        try {
            Set<ShardRef> current = new LinkedHashSet<>(assigned);
            if (current.isEmpty()) {
                for (ShardState s : owner.shards.values()) {
                    current.add(new ShardRef(s.key, s.shard));
                }
            }
            ShardRef ref = new ShardRef(key, shard);
            if (!current.contains(ref)) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND, "shard " + shard + " of " + key
                        + " is not assigned to this consumer");
            }
            if (current.size() == 1) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY, "unassigning shard " + shard + " of " + key
                        + " would leave this consumer no shard to position");
            }
            current.remove(ref);
            assigned = current;
        } finally {
            owner.lock.unlock();
        }
    }

    private void requireKey(StreamKey key) {
        if (!owner.keys.contains(key)) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND, "this consumer does not read " + key
                    + "; it reads " + owner.keys);
        }
    }

    /** {@link dev.tide.Consumer#seek}. Blocks. */
    void seek(Instant time) {
        reposition(EntryId.startAfterTime(time), "seek(" + time + ")");
    }

    /** {@link dev.tide.Consumer#rewind}. Blocks. */
    void rewind(SeqPos position) {
        switch (position) {
            case SeqPos.Beginning b -> reposition(EntryId.ZERO, "rewind(BEGINNING)");
            case SeqPos.End e -> reposition(null, "rewind(END)");
            case SeqPos.At at -> reposition(EntryId.startAfterSeq(at.seq()), "rewind(" + at + ")");
        }
    }

    /**
     * Moves the assigned shards so that the next entry read is the first after {@code after} (null: the
     * end). REAL_TIME moves this consumer's positions; the group modes move the group's
     * ({@code XGROUP SETID}), for every member. Messages buffered for those shards are dropped; in the
     * group modes those before the new position are acknowledged, as skipped.
     */
    private void reposition(EntryId after, String what) {
        owner.checkOpen();
        pauseReaders();
        List<RedisConsumerImpl.Ack> skipped = new ArrayList<>();
        try {
            List<ShardState> targets = targets();
            Map<ShardState, EntryId> to = new LinkedHashMap<>();
            if (!owner.group) {
                if (after == null) {
                    Map<ShardState, RedisFuture<List<StreamMessage<String, byte[]>>>> tails = new LinkedHashMap<>();
                    for (ShardState s : targets) {
                        tails.put(s, owner.backend.control.async().xrevrange(s.redisKey, Range.create("-", "+"), Limit.from(1)));
                    }
                    tails.forEach((s, f) -> to.put(s, Discovery.lastId(Errors.await(f, owner.wait, what + " on " + s.redisKey))));
                } else {
                    targets.forEach(s -> to.put(s, after));
                }
            } else {
                List<RedisFuture<String>> sets = new ArrayList<>();
                for (ShardState s : targets) {
                    XReadArgs.StreamOffset<String> offset = after == null ? XReadArgs.StreamOffset.latest(s.redisKey)
                            : XReadArgs.StreamOffset.from(s.redisKey, after.toString());
                    sets.add(owner.backend.control.async().xgroupSetid(offset, owner.groupName));
                    to.put(s, after);
                }
                for (RedisFuture<String> f : sets) {
                    Errors.await(f, owner.wait, what + " (XGROUP SETID " + owner.groupName + ")");
                }
            }
            owner.lock.lock();
            try {
                Iterator<RedisConsumerImpl.Entry> it = owner.buffer.iterator();
                while (it.hasNext()) {
                    RedisConsumerImpl.Entry e = it.next();
                    if (e.shard() != null && to.containsKey(e.shard())) {
                        it.remove();
                        if (owner.group && !owner.noAck && e.id() != null) {
                            e.shard().buffered.remove(e.id());
                            EntryId target = to.get(e.shard());
                            if (target == null || e.id().compareTo(target) <= 0) {
                                skipped.add(new RedisConsumerImpl.Ack(e.shard(), e.id()));
                            }
                        }
                    }
                }
                to.forEach((s, id) -> {
                    if (!owner.group) {
                        s.position = id;
                    } else {
                        s.replay = false;
                    }
                });
                owner.changed.signalAll();
            } finally {
                owner.lock.unlock();
            }
        } finally {
            resumeReaders();
        }
        owner.acks.send(skipped, false);
    }

    private List<ShardState> targets() {
        owner.lock.lock();
        try {
            List<ShardState> out = new ArrayList<>();
            for (ShardState s : owner.shards.values()) {
                if (assigned.isEmpty() || assigned.contains(new ShardRef(s.key, s.shard))) {
                    out.add(s);
                }
            }
            return out;
        } finally {
            owner.lock.unlock();
        }
    }

    /** Stops the readers between reads: wakes blocked reads and waits until none is in flight. */
    void pauseReaders() {
        owner.lock.lock();
        try {
            owner.pauses++;
            owner.changed.signalAll();
        } finally {
            owner.lock.unlock();
        }
        long started = System.nanoTime();
        while (true) {
            List<Runnable> wakes = new ArrayList<>();
            owner.lock.lock();
            try {
                boolean force = System.nanoTime() - started > TimeUnit.SECONDS.toNanos(2);
                for (Reader r : owner.readers.values()) {
                    if (r.reading) {
                        wakes.add(r.wake(force));
                    }
                }
                if (wakes.isEmpty() || owner.closed) {
                    return;
                }
            } finally {
                owner.lock.unlock();
            }
            wakes.forEach(Runnable::run);
            owner.lock.lock();
            try {
                owner.changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(20));
            } catch (InterruptedException e) {
                owner.pauses--;
                owner.changed.signalAll();
                throw StreamException.interrupted(e, "pausing the readers");
            } finally {
                owner.lock.unlock();
            }
        }
    }

    /** Lets the readers go on after {@link #pauseReaders()}. */
    void resumeReaders() {
        owner.lock.lock();
        try {
            owner.pauses--;
            owner.changed.signalAll();
        } finally {
            owner.lock.unlock();
        }
    }
}
