package dev.tide.mem;

import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * The in-process broker: design and invariants.
 *
 * Data. A broker holds, per stream key, a map shard → ShardLog (ordered by shard id). A ShardLog is an
 * append-only array of messages with sequence numbers 1, 2, 3 … and timestamps from the producing
 * connection's clock, clamped so they never go backwards within the shard (so seek can binary-search).
 * Every append also takes the next number of a broker-wide counter ("global"): the append order over
 * all streams and shards. A shard exists from its first message (or from a consumer assigning it); no
 * stream needs creating. Optionally each shard keeps only its last N messages (mem.max-messages).
 *
 * Positions. A position in a shard is the sequence number of the next message to deliver; a position
 * below the oldest kept message reads from the oldest kept one. Positions are kept
 *   - per consumer for REAL_TIME and RESUMABLE consumers (DirectConsumer.positions);
 *   - per group for LOAD_BALANCED consumers (Group.cursors): the members share one cursor per shard.
 * A shard a consumer (or group) has no position for appeared after it started: it is read from its
 * first kept message. That is how consumers see new shards of their streams.
 *
 * Delivery order. Each read looks at the next message of every shard of the consumer's streams and
 * takes the one with the smallest global number, so a consumer receives messages in broker-wide append
 * order (per shard in sequence order), which makes multi-stream tests deterministic.
 *
 * Start. REAL_TIME: every existing shard at its end (LATEST) or its oldest kept message (EARLIEST).
 * RESUMABLE: after the group's commit on that shard, else per the reset. LOAD_BALANCED: the first member
 * that brings a stream into its group sets the group's cursors on that stream's existing shards per its
 * reset; later members share them, and shards that appear afterwards are read from their beginning.
 *
 * Commits. RESUMABLE: commit(m) records m's sequence number as the group's position on m's shard (the
 * last commit wins, so a consumer that rewound may commit an earlier message); a consumer of the same
 * group created later starts just after it. Two RESUMABLE consumers of one group read independently and
 * share only the commits. LOAD_BALANCED: every delivered message is pending for the member that got it
 * until that member commits it or a later message of the same shard (commit(m) = m and everything
 * before it on its shard that this member holds). Closing a member hands its pending messages back to
 * the group (Group.returned); any member of the group, present or future, receives returned messages of
 * its streams before new ones, in append order. Group state outlives its members, so a group whose
 * members all left resumes where they stopped, redelivering what they had not committed. RESUMABLE and
 * LOAD_BALANCED groups are separate namespaces even when their names are equal.
 *
 * Positioning. seek(t) and rewind(p) apply to the consumer's assigned shards (all shards of its
 * streams existing at the call until assign narrows it; assigning a shard that has no message yet
 * creates it empty). For REAL_TIME and RESUMABLE they move the consumer's own positions. For
 * LOAD_BALANCED they move the group's shared cursor of those shards, as seeking a Kafka group member
 * moves its partitions, and drop the group's returned messages of those shards (what lies after the
 * new position is read again anyway); messages pending at members stay pending. seek(t) = the first
 * message stamped at or after t; rewind(at(n)) = the first with sequence number at least n (a position
 * past the end waits for that sequence number); BEGINNING = the oldest kept message; END = after the
 * newest.
 *
 * Threads and locks. One ReentrantLock per broker guards all of the above (logs, positions, groups,
 * pending sets, consumer closed flags); a Condition of it ("changed") is signalled (signalAll) whenever
 * something a reader waits for changes: an append, a hand-back, a positioning call, a close. The lock
 * is held only for in-memory bookkeeping — O(number of shards read) per call, never I/O, user code or a
 * wait on anything but the Condition. Producer threads take it for one append; consumer threads take
 * it to pick a message and wait on the Condition when there is none (next()/poll() block there, which
 * releases the lock; close() signals to wake them). The broker starts no thread of its own. Brokers
 * are found in MemBrokers, a ConcurrentHashMap. MemStreamer keeps its open producers and consumers in a
 * concurrent set so that closing the connection closes them; each producer's closed flag is volatile.
 */
final class MemBroker {

    /** The state of one LOAD_BALANCED group. Guarded by the broker's lock. */
    static final class Group {
        final String name;
        /** The next sequence number to hand out, per shard. */
        final Map<ShardLog, Long> cursors = new HashMap<>();
        /** Messages handed back by closed members, per shard, by sequence number. */
        final Map<ShardLog, TreeMap<Long, ShardLog.Entry>> returned = new HashMap<>();
        /** The streams the group has started reading: their shards without a cursor appeared later. */
        final java.util.Set<StreamKey> started = new java.util.HashSet<>();

        Group(String name) {
            this.name = name;
        }
    }

    private final String name;
    private final long maxMessages;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<StreamKey, TreeMap<ShardId, ShardLog>> streams = new HashMap<>();
    private final Map<String, Map<ShardLog, Long>> resumableCommits = new HashMap<>();
    private final Map<String, Group> groups = new HashMap<>();
    private long global;

    MemBroker(String name, long maxMessages) {
        this.name = name;
        this.maxMessages = maxMessages;
    }

    String name() {
        return name;
    }

    long maxMessages() {
        return maxMessages;
    }

    ReentrantLock lock() {
        return lock;
    }

    Condition changed() {
        return changed;
    }

    /** Stores a message and wakes the readers. Takes the lock. */
    Receipt append(StreamKey key, ShardId shard, byte[] payload, Clock clock) {
        lock.lock();
        try {
            ShardLog log = log(key, shard);
            ShardLog.Entry entry = log.append(payload, clock.instant(), ++global);
            changed.signalAll();
            return Receipt.of(entry.message().header());
        } finally {
            lock.unlock();
        }
    }

    // The methods below expect the caller to hold the lock.

    /** The log of a shard, created empty if it has none. */
    ShardLog log(StreamKey key, ShardId shard) {
        return streams.computeIfAbsent(key, k -> new TreeMap<>())
                .computeIfAbsent(shard, s -> new ShardLog(key, s, maxMessages));
    }

    /** The log of a shard, or null if it has none. */
    ShardLog existingLog(StreamKey key, ShardId shard) {
        TreeMap<ShardId, ShardLog> shards = streams.get(key);
        return shards == null ? null : shards.get(shard);
    }

    /** The existing shards of a stream, in shard order (a live view). */
    java.util.Collection<ShardLog> shards(StreamKey key) {
        TreeMap<ShardId, ShardLog> shards = streams.get(key);
        return shards == null ? List.of() : shards.values();
    }

    /** The existing shards of the streams, in key order then shard order. */
    void forEachLog(List<StreamKey> keys, java.util.function.Consumer<ShardLog> action) {
        for (StreamKey key : keys) {
            TreeMap<ShardId, ShardLog> shards = streams.get(key);
            if (shards != null) {
                shards.values().forEach(action);
            }
        }
    }

    /** The commits of a RESUMABLE group: the last committed sequence number per shard. */
    Map<ShardLog, Long> resumableCommits(String group) {
        return resumableCommits.computeIfAbsent(group, g -> new HashMap<>());
    }

    /** The state of a LOAD_BALANCED group, created on first use. */
    Group group(String group) {
        return groups.computeIfAbsent(group, Group::new);
    }

    @Override
    public String toString() {
        return "mem broker \"" + name + "\"";
    }
}
