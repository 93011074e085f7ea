package dev.tide.redis;

import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A consumer's shards: finds the Redis keys of its streams (every {@code key:N} stream, by SCAN, and the
 * plain key), sets them up (the group modes create the group; REAL_TIME with {@link StreamReset#LATEST}
 * pins each key's last id, XREVRANGE) and hands them to {@link Reader}s by hash slot. The shards there are
 * when the consumer is created are set up on the creating thread; shards created later are found by the
 * {@link Housekeeper} every {@link RedisOptions#DISCOVERY_INTERVAL} and read from their beginning.
 *
 * <p>SCAN, TYPE and group creation go through the shared control connection without the consumer's lock;
 * the lock is taken to add shards to the shard table and to the readers.
 */
final class Discovery {

    private final RedisConsumerImpl owner;
    private final StreamReset reset;
    private final boolean mkstream;

    Discovery(RedisConsumerImpl owner, StreamReset reset, boolean mkstream) {
        this.owner = owner;
        this.reset = reset;
        this.mkstream = mkstream;
    }

    /**
     * When the consumer is created: finds and sets up the shards there are, enters them in the shard
     * table and hands them to readers. Blocks.
     *
     * @return the readers created, not yet started
     */
    List<Reader> start() {
        List<ShardState> initial = new ArrayList<>();
        for (StreamKey key : owner.keys) {
            initial.addAll(discover(key, Set.of(), true));
        }
        initialise(initial);
        owner.lock.lock();
        try {
            for (ShardState s : initial) {
                owner.shards.put(s.redisKey, s);
            }
        } finally {
            owner.lock.unlock();
        }
        return attach(initial);
    }

    /**
     * The keys of a stream not yet in {@code known}: every {@code key:N} stream, plus the plain key when
     * it is a stream or (at start) when there is no shard key at all.
     */
    private List<ShardState> discover(StreamKey key, Set<String> known, boolean atStart) {
        TreeMap<ShardId, String> found = new TreeMap<>();
        for (String k : owner.backend.scanStreams(key.name() + ":*")) {
            ShardId shard = ShardKeys.shardOf(key.name(), k);
            if (shard != null && !known.contains(k)) {
                found.put(shard, k);
            }
        }
        List<ShardState> out = new ArrayList<>();
        if (!known.contains(key.name())) {
            String type = Errors.await(owner.backend.control.async().type(key.name()), owner.wait, "TYPE " + key.name());
            if ("stream".equals(type) || (atStart && found.isEmpty())) {
                out.add(new ShardState(key.name(), key, ShardId.ZERO, owner.backend.slotOf(key.name())));
            }
        }
        found.forEach((shard, k) -> out.add(new ShardState(k, key, shard, owner.backend.slotOf(k))));
        return out;
    }

    /** Creates groups or pins positions for the shards found when the consumer is created. */
    private void initialise(List<ShardState> initial) {
        RedisClusterAsyncCommands<String, byte[]> c = owner.backend.control.async();
        if (!owner.group) {
            if (reset == StreamReset.LATEST) {
                Map<ShardState, RedisFuture<List<StreamMessage<String, byte[]>>>> tails = new LinkedHashMap<>();
                for (ShardState s : initial) {
                    tails.put(s, c.xrevrange(s.redisKey, Range.create("-", "+"), Limit.from(1)));
                }
                tails.forEach((s, f) -> s.position = lastId(Errors.await(f, owner.wait, "reading the last entry of " + s.redisKey)));
            }
            return;
        }
        String start = reset == StreamReset.EARLIEST ? "0" : "$";
        for (ShardState s : initial) {
            createGroup(s, start, mkstream);
            s.replay = !owner.noAck;
        }
    }

    /** The id of the entry an XREVRANGE … COUNT 1 returned; {@link EntryId#ZERO} for an empty stream. */
    static EntryId lastId(List<StreamMessage<String, byte[]>> tail) {
        return tail == null || tail.isEmpty() ? EntryId.ZERO : EntryId.parse(tail.get(0).getId());
    }

    /**
     * Creates the consumer's group on a shard (XGROUP CREATE), starting at {@code start}; a group that
     * exists already is left as it is. Blocks.
     *
     * @param make whether to create the stream too (MKSTREAM)
     * @throws StreamException {@link StreamException.Kind#STREAM_KEY_NOT_FOUND} if the stream does not
     *     exist and {@code make} is false
     */
    void createGroup(ShardState s, String start, boolean make) {
        XGroupCreateArgs args = new XGroupCreateArgs().mkstream(make);
        try {
            Errors.await(owner.backend.control.async().xgroupCreate(XReadArgs.StreamOffset.from(s.redisKey, start),
                    owner.groupName, args), owner.wait, "creating group " + owner.groupName + " on " + s.redisKey);
        } catch (StreamException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("BUSYGROUP")) {
                return;
            }
            if (msg.contains("requires the key to exist")) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND, "stream " + s.redisKey
                        + " does not exist on " + owner.backend.where() + ", so group " + owner.groupName
                        + " cannot be created; set redis.mkstream=true to create the stream with the group", e);
            }
            throw e;
        }
    }

    /** Hands shards to readers (by slot); returns the readers created, not yet started. Takes the lock. */
    private List<Reader> attach(List<ShardState> added) {
        List<Reader> created = new ArrayList<>();
        owner.lock.lock();
        try {
            for (ShardState s : added) {
                Reader r = owner.readers.get(s.slot);
                if (r == null) {
                    r = new Reader(owner, s.slot);
                    owner.readers.put(s.slot, r);
                    created.add(r);
                }
                r.mine.add(s);
            }
            owner.changed.signalAll();
        } finally {
            owner.lock.unlock();
        }
        return created;
    }

    /** Looks for shards created since the last look and starts reading them (from their beginning). */
    void discoverMore() {
        Set<String> known;
        owner.lock.lock();
        try {
            known = new HashSet<>(owner.shards.keySet());
        } finally {
            owner.lock.unlock();
        }
        List<ShardState> added = new ArrayList<>();
        for (StreamKey key : owner.keys) {
            added.addAll(discover(key, known, false));
        }
        if (added.isEmpty()) {
            return;
        }
        if (owner.group) {
            for (ShardState s : added) {
                createGroup(s, "0", true);
                s.replay = !owner.noAck;
            }
        }
        owner.positions.pauseReaders();
        List<Reader> created;
        try {
            owner.lock.lock();
            try {
                if (owner.closed) {
                    return;
                }
                for (ShardState s : added) {
                    owner.shards.put(s.redisKey, s);
                }
            } finally {
                owner.lock.unlock();
            }
            created = attach(added);
        } finally {
            owner.positions.resumeReaders();
        }
        created.forEach(Reader::start);
    }
}
