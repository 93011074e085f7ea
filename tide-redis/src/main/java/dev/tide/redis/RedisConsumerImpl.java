package dev.tide.redis;

import dev.tide.ConsumerGroup;
import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.MessageHeader;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Redis Streams consumer: XREAD for {@link ConsumerMode#REAL_TIME}, XREADGROUP for the group modes.
 * This class is the consumer the application sees and holds the state its parts share; each concern is
 * a package-private class of its own: {@link Reader} (the reader threads, fetching pages),
 * {@link Discovery} (finding and setting up shards), {@link Positions} ({@code seek}, {@code rewind},
 * {@code assign}), {@link Acks} (commits and acknowledgements), {@link Failover} (XAUTOCLAIM, dead letters,
 * hand-back on close) and {@link Housekeeper} (the thread running acknowledgements, claims and discovery
 * on schedule).
 *
 * <p>Threads and locks. One {@link #lock} guards everything mutable that threads share, here and in the
 * parts: the shard table, the {@link #buffer} of fetched messages, the readers' states, the positioning
 * state and the acknowledgement bookkeeping; one condition, {@link #changed}, is signalled on every
 * change. {@link Reader} threads (one per hash slot in a cluster, one in all for a standalone server)
 * fetch pages on their own connections and append them to the buffer ({@link #accept}); {@code next()}
 * takes from it. Readers fetch while the
 * buffer holds less than a page (prefetching the next page while the application works) or, in the
 * on-demand modes ({@link AutoCommit#IMMEDIATE}, {@link AutoCommit#DISABLED}), only when the buffer is
 * empty and someone waits. The {@link Housekeeper} thread sends automatic acknowledgements, claims idle
 * messages of other members (XAUTOCLAIM) and discovers shards created later (SCAN).
 *
 * <p>Positions. REAL_TIME keeps, per key, the id of the last entry read and always asks XREAD for the
 * entries after it; LATEST pins each key's own last id when the consumer is created (XREVRANGE), so a
 * message that lands on a quiet stream between two reads is never skipped (SeaStreamer #47/#48).
 * Positioning ({@link #seek}, {@link #rewind}, adding shards) first <em>pauses</em> the readers: each
 * blocked XREAD is woken with {@code CLIENT UNBLOCK} and its answer is taken in before the positions
 * change, so no read straddles a change (see {@link Positions}).
 *
 * <p>Group modes read this consumer's pending entries first (after a restart or a lost connection),
 * skipping those it still holds (see {@link ShardState}), then new ones ({@code >}). Commits are XACKs.
 */
final class RedisConsumerImpl implements RedisConsumer {


    private static final AtomicLong INSTANCES = new AtomicLong();

    record Entry(ShardState shard, EntryId id, Message message, StreamException error) {
    }

    /**
     * One read: the keys, the ids to read after, whether it replays this consumer's pending entries, and
     * whether entries this consumer already holds are to be skipped (replays and claims return entries
     * it may have handed out already; a plain {@code >} read returns an entry again only after the group
     * was moved back, and then it is meant to be delivered again).
     */
    record Plan(List<ShardState> shards, List<String> ids, boolean replay, boolean skipHeld) {
    }

    record Ack(ShardState shard, EntryId id) {
    }

    private final RedisStreamerImpl streamer;
    final RedisBackend backend;
    final List<StreamKey> keys;
    final ConsumerMode mode;
    final boolean group;
    final String groupName;
    final String consumerName;
    private final AutoCommit autoCommit;
    final boolean noAck;
    final boolean prefetch;
    final int batchSize;
    final Duration block;
    final Duration wait;

    final Discovery discovery;
    final Positions positions;
    final Acks acks;
    final Failover failover;
    private final Housekeeper housekeeper;

    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    /** The shard table: Redis key → what this consumer knows about that shard. */
    final Map<String, ShardState> shards = new LinkedHashMap<>();
    /** Hash slot → the reader of the shards in it. */
    final Map<Integer, Reader> readers = new LinkedHashMap<>();
    final ArrayDeque<Entry> buffer = new ArrayDeque<>();
    int waiters;
    boolean demanded;
    int pauses;
    boolean closed;
    StreamException failure;

    RedisConsumerImpl(RedisStreamerImpl streamer, RedisBackend backend, List<StreamKey> keys, ConsumerOptions requested) {
        RedisOptions.check(requested);
        ConsumerOptions options = requested.checked();
        for (StreamKey key : keys) {
            if (key.isInternal()) {
                throw new StreamException(StreamException.Kind.INVALID_STREAM_KEY,
                        "stream key " + StreamKey.INTERNAL + " is reserved and cannot be read");
            }
        }
        this.streamer = streamer;
        this.backend = backend;
        this.keys = List.copyOf(keys);
        this.mode = options.mode();
        this.group = mode != ConsumerMode.REAL_TIME;
        this.groupName = group ? options.group().map(ConsumerGroup::name).orElseThrow() : "";
        String id = options.get(RedisOptions.CONSUMER_ID);
        this.consumerName = !group ? "" : !id.isEmpty() ? id
                : mode == ConsumerMode.RESUMABLE ? groupName : uniqueName();
        this.autoCommit = options.get(RedisOptions.AUTO_COMMIT);
        this.noAck = group && autoCommit == AutoCommit.IMMEDIATE;
        this.prefetch = !group || autoCommit == AutoCommit.DELAYED || autoCommit == AutoCommit.ROLLING;
        int batch = options.get(RedisOptions.BATCH_SIZE);
        if (batch < 0) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION, "redis.batch-size must not be negative: " + batch);
        }
        this.batchSize = batch > 0 ? batch : switch (mode) {
            // one member owns the group's progress: large pages, few round trips (pages are prefetched)
            case RESUMABLE -> 1000;
            // small pages share the work fairly between members
            case LOAD_BALANCED -> 10;
            // SeaStreamer's page
            case REAL_TIME -> 100;
        };
        this.block = options.get(RedisOptions.BLOCK);
        if (block.isZero() || block.isNegative() || block.compareTo(backend.commandTimeout) >= 0) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION, "redis.block must be positive and shorter than "
                    + "redis.command-timeout (" + backend.commandTimeout + "): " + block);
        }
        long commitDelayNanos = options.get(RedisOptions.AUTO_COMMIT_DELAY).toNanos();
        Duration commitInterval = positive(options.get(RedisOptions.AUTO_COMMIT_INTERVAL), "redis.auto-commit-interval");
        Duration claimInterval = options.get(RedisOptions.AUTO_CLAIM_INTERVAL);
        Duration claimIdle = options.get(RedisOptions.AUTO_CLAIM_IDLE);
        boolean mkstream = options.get(RedisOptions.MKSTREAM);
        String deadLetter = options.get(RedisOptions.DEAD_LETTER_STREAM);
        if (!deadLetter.isEmpty() && !StreamKey.isValid(deadLetter)) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION, "redis.dead-letter-stream is not a valid stream key: \""
                    + deadLetter + "\"");
        }
        int maxDeliveries = options.get(RedisOptions.MAX_DELIVERIES);
        Duration discoveryInterval = options.get(RedisOptions.DISCOVERY_INTERVAL);
        this.wait = backend.commandTimeout.plus(Duration.ofSeconds(1));
        this.discovery = new Discovery(this, options.reset(), mkstream);
        this.positions = new Positions(this);
        this.acks = new Acks(this, autoCommit, commitDelayNanos);
        this.failover = new Failover(this, claimIdle, deadLetter, maxDeliveries);
        this.housekeeper = new Housekeeper(this, commitInterval, claimInterval, discoveryInterval);

        List<Reader> started = discovery.start();
        started.forEach(Reader::start);
        housekeeper.start();
    }

    private static Duration positive(Duration d, String name) {
        if (d.isZero() || d.isNegative()) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION, name + " must be positive: " + d);
        }
        return d;
    }

    private static String uniqueName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            host = "localhost";
        }
        return host.strip() + ":" + ProcessHandle.current().pid() + ":" + Long.toString(System.currentTimeMillis(), 36)
                + "-" + INSTANCES.incrementAndGet();
    }

    // ------------------------------------------------------------------ reading API

    @Override
    public Message next() {
        lock.lock();
        try {
            while (true) {
                Message m = takeOrThrow();
                if (m != null) {
                    return m;
                }
                waiters++;
                demanded = true;
                changed.signalAll();
                try {
                    changed.await();
                } finally {
                    waiters--;
                }
            }
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "waiting for the next message");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Message> poll(Duration timeout) {
        long left = Math.max(0, timeout.toNanos());
        lock.lock();
        try {
            while (true) {
                Message m = takeOrThrow();
                if (m != null) {
                    return Optional.of(m);
                }
                demanded = true;
                changed.signalAll();
                if (left <= 0) {
                    return Optional.empty();
                }
                waiters++;
                try {
                    left = changed.awaitNanos(left);
                } finally {
                    waiters--;
                }
            }
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "waiting for the next message");
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the next message, null if none is buffered; throws when closed or failed. */
    private Message takeOrThrow() {
        if (closed) {
            throw new StreamException(StreamException.Kind.CLOSED, "this Redis consumer is closed");
        }
        Entry e = buffer.pollFirst();
        if (e == null) {
            if (failure != null) {
                throw new StreamException(failure.kind(), failure.getMessage(), failure);
            }
            return null;
        }
        // Wake the reader when the buffer starts to want a page (a reader re-checks before it waits, so
        // one signal at the crossing is enough), not on every message below it: the housekeeper waits
        // on the same condition and would be woken for each.
        if (buffer.size() == batchSize - 1 || buffer.isEmpty()) {
            changed.signalAll();
        }
        if (e.error() != null) {
            throw new StreamException(e.error().kind(), e.error().getMessage(), e.error());
        }
        if (group && !noAck) {
            ShardState s = e.shard();
            s.buffered.remove(e.id());
            s.delivered.add(e.id());
            if (autoCommit == AutoCommit.DELAYED) {
                acks.delay(s, e.id());
            }
        }
        return e.message();
    }

    @Override
    public List<StreamKey> keys() {
        return keys;
    }

    @Override
    public Optional<String> consumerName() {
        return group ? Optional.of(consumerName) : Optional.empty();
    }

    @Override
    public Map<StreamKey, List<ShardId>> shards() {
        Map<StreamKey, TreeSet<ShardId>> out = new LinkedHashMap<>();
        lock.lock();
        try {
            for (StreamKey k : keys) {
                out.put(k, new TreeSet<>());
            }
            for (ShardState s : shards.values()) {
                out.get(s.key).add(s.shard);
            }
        } finally {
            lock.unlock();
        }
        Map<StreamKey, List<ShardId>> result = new LinkedHashMap<>();
        out.forEach((k, v) -> result.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(result);
    }

    // ------------------------------------------------------------------ positioning (see Positions)

    @Override
    public void assign(StreamKey key, ShardId shard) {
        positions.assign(key, shard);
    }

    @Override
    public void unassign(StreamKey key, ShardId shard) {
        positions.unassign(key, shard);
    }

    @Override
    public void seek(Instant time) {
        positions.seek(time);
    }

    @Override
    public void rewind(SeqPos position) {
        positions.rewind(position);
    }

    // ------------------------------------------------------------------ commits (see Acks)

    @Override
    public void commit(Message message) {
        acks.commit(message);
    }

    @Override
    public void ack(Message message) {
        acks.ack(message);
    }

    @Override
    public void commitAcks() {
        acks.commitAcks();
    }

    // ------------------------------------------------------------------ page hand-off

    /**
     * Under the lock: takes a page into the buffer. Returns the entries to acknowledge without delivering
     * (deleted entries in a pending list, entries without the payload field, unrepresentable ids).
     */
    List<Ack> accept(Plan plan, List<StreamMessage<String, byte[]>> got) {
        List<Ack> toAck = new ArrayList<>();
        Set<ShardState> seen = plan.replay() ? new HashSet<>() : Set.of();
        boolean tracked = group && !noAck;
        String lastStream = null;
        ShardState last = null;
        for (StreamMessage<String, byte[]> sm : got) {
            // the entries of one stream share its name's string: look the shard up once per stream
            ShardState s = sm.getStream() == lastStream ? last : shards.get(sm.getStream());
            lastStream = sm.getStream();
            last = s;
            if (s == null) {
                continue;
            }
            EntryId id;
            try {
                id = EntryId.parse(sm.getId());
            } catch (StreamException e) {
                buffer.addLast(new Entry(s, null, null, e));
                continue;
            }
            if (plan.replay()) {
                seen.add(s);
                s.replayCursor = id;
            }
            if (!group) {
                if (id.compareTo(s.position) <= 0) {
                    continue;
                }
                s.position = id;
            }
            if (tracked && plan.skipHeld() && s.holds(id)) {
                continue;
            }
            byte[] payload = sm.getBody() == null ? null : sm.getBody().get(backend.field);
            if (payload == null) {
                if (tracked) {
                    toAck.add(new Ack(s, id));
                }
                continue;
            }
            if (!id.representable()) {
                buffer.addLast(new Entry(s, null, null, new StreamException(StreamException.Kind.FORMAT, "entry " + id + " of "
                        + s.redisKey + " has no sequence number (Tide and SeaStreamer need ms < 2^48 and n <= 65535); skipped")));
                if (tracked) {
                    toAck.add(new Ack(s, id));
                }
                continue;
            }
            MessageHeader header = new MessageHeader(s.key, s.shard, id.seq(s.redisKey), id.timestamp());
            buffer.addLast(new Entry(s, id, Message.of(header, payload), null));
            if (tracked) {
                s.buffered.add(id);
            }
            demanded = false;
        }
        if (plan.replay()) {
            for (ShardState s : plan.shards()) {
                if (!seen.contains(s)) {
                    s.replay = false;
                }
            }
        }
        return toAck;
    }

    void fail(StreamException e) {
        lock.lock();
        try {
            if (failure == null && !closed) {
                failure = e;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Throws {@link StreamException.Kind#CLOSED} once the consumer is closed. */
    void checkOpen() {
        lock.lock();
        try {
            if (closed) {
                throw new StreamException(StreamException.Kind.CLOSED, "this Redis consumer is closed");
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close() {
        List<Reader> all;
        List<Runnable> wakes = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
            all = new ArrayList<>(readers.values());
            for (Reader r : all) {
                wakes.add(r.wake(true));
            }
        } finally {
            lock.unlock();
        }
        wakes.forEach(Runnable::run);
        boolean interrupted = false;
        for (Reader r : all) {
            interrupted |= r.join();
        }
        try {
            housekeeper.join();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            finish();
        } catch (StreamException e) {
            // best effort: what was not acknowledged stays pending in Redis and is delivered again
        } finally {
            streamer.forget(this);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Final acknowledgements ({@link Acks#finish}: what the application acknowledged, and with
     * {@link AutoCommit#DELAYED} the messages whose delay has passed; never a message the application got
     * but did not commit before its delay), and for LOAD_BALANCED the hand-back of what this member still
     * holds ({@link Failover#handBack}).
     */
    private void finish() {
        if (!group || noAck) {
            return;
        }
        acks.finish();
        if (mode == ConsumerMode.LOAD_BALANCED) {
            failover.handBack();
        }
    }

    @Override
    public String toString() {
        return "RedisConsumer[" + backend.where() + "/" + keys + ", " + mode + (group ? ", group=" + groupName
                + ", consumer=" + consumerName : "") + "]";
    }
}
