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
import dev.tide.StreamReset;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Redis Streams consumer: XREAD for {@link ConsumerMode#REAL_TIME}, XREADGROUP for the group modes.
 *
 * <p>Design. One {@link #lock} guards everything mutable here: the shard table, the {@link #buffer} of
 * fetched messages, the readers' states and the acknowledgement bookkeeping; one condition,
 * {@link #changed}, is signalled on every change. {@link Reader} threads (one per hash slot in a
 * cluster, one in all for a standalone server) fetch pages on their own connections and append them
 * to the buffer; {@code next()} takes from it. Readers fetch while the buffer holds less than a page
 * (prefetching the next page while the application works) or, in the on-demand modes
 * ({@link AutoCommit#IMMEDIATE}, {@link AutoCommit#DISABLED}), only when the buffer is empty and someone
 * waits. A housekeeper thread sends automatic acknowledgements, claims idle messages of other members
 * (XAUTOCLAIM) and discovers shards created later (SCAN).
 *
 * <p>Positions. REAL_TIME keeps, per key, the id of the last entry read and always asks XREAD for the
 * entries after it; LATEST pins each key's own last id when the consumer is created (XREVRANGE), so a
 * message that lands on a quiet stream between two reads is never skipped (SeaStreamer #47/#48).
 * Positioning ({@link #seek}, {@link #rewind}, adding shards) first <em>pauses</em> the readers: each
 * blocked XREAD is woken with {@code CLIENT UNBLOCK} and its answer is taken in before the positions
 * change, so no read straddles a change.
 *
 * <p>Group modes read this consumer's pending entries first (after a restart or a lost connection),
 * skipping those it still holds (see {@link ShardState}), then new ones ({@code >}). Commits are XACKs.
 */
final class RedisConsumerImpl implements RedisConsumer {

    private static final AtomicLong INSTANCES = new AtomicLong();
    private static final Duration HAND_BACK_IDLE = Duration.ofDays(30);

    record Entry(ShardState shard, EntryId id, Message message, StreamException error) {
    }

    private record DelayedAck(ShardState shard, EntryId id, long dueNanos) {
    }

    private record ShardRef(StreamKey key, ShardId shard) {
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
    private final List<StreamKey> keys;
    private final ConsumerMode mode;
    final boolean group;
    final String groupName;
    final String consumerName;
    private final StreamReset reset;
    private final AutoCommit autoCommit;
    final boolean noAck;
    final boolean prefetch;
    /** The housekeeper sends marked acknowledgements (ROLLING, DELAYED). */
    private final boolean backgroundAcks;
    final int batchSize;
    final Duration block;
    private final long commitDelayNanos;
    private final Duration commitInterval;
    private final Duration claimInterval;
    private final Duration claimIdle;
    private final boolean mkstream;
    private final String deadLetter;
    private final int maxDeliveries;
    private final Duration discoveryInterval;
    final Duration wait;

    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    private final Map<String, ShardState> shards = new LinkedHashMap<>();
    private final Map<Integer, Reader> readers = new LinkedHashMap<>();
    final ArrayDeque<Entry> buffer = new ArrayDeque<>();
    private final ArrayDeque<DelayedAck> delayed = new ArrayDeque<>();
    private Set<ShardRef> assigned = new LinkedHashSet<>();
    int waiters;
    boolean demanded;
    /** ROLLING / DELAYED: marks made with ack() since the last early acknowledgement round. */
    private int marksSinceAck;
    /** ROLLING / DELAYED: a page's worth of marks is waiting; the housekeeper acknowledges them at once. */
    private boolean acksDue;
    int pauses;
    boolean closed;
    StreamException failure;
    private final Thread housekeeper;

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
        this.reset = options.reset();
        this.autoCommit = options.get(RedisOptions.AUTO_COMMIT);
        this.noAck = group && autoCommit == AutoCommit.IMMEDIATE;
        this.prefetch = !group || autoCommit == AutoCommit.DELAYED || autoCommit == AutoCommit.ROLLING;
        this.backgroundAcks = group && !noAck && (autoCommit == AutoCommit.DELAYED || autoCommit == AutoCommit.ROLLING);
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
        this.commitDelayNanos = options.get(RedisOptions.AUTO_COMMIT_DELAY).toNanos();
        this.commitInterval = positive(options.get(RedisOptions.AUTO_COMMIT_INTERVAL), "redis.auto-commit-interval");
        this.claimInterval = options.get(RedisOptions.AUTO_CLAIM_INTERVAL);
        this.claimIdle = options.get(RedisOptions.AUTO_CLAIM_IDLE);
        this.mkstream = options.get(RedisOptions.MKSTREAM);
        this.deadLetter = options.get(RedisOptions.DEAD_LETTER_STREAM);
        if (!deadLetter.isEmpty() && !StreamKey.isValid(deadLetter)) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION, "redis.dead-letter-stream is not a valid stream key: \""
                    + deadLetter + "\"");
        }
        this.maxDeliveries = options.get(RedisOptions.MAX_DELIVERIES);
        this.discoveryInterval = options.get(RedisOptions.DISCOVERY_INTERVAL);
        this.wait = backend.commandTimeout.plus(Duration.ofSeconds(1));

        List<ShardState> initial = new ArrayList<>();
        for (StreamKey key : this.keys) {
            initial.addAll(discover(key, Set.of(), true));
        }
        initialise(initial);
        lock.lock();
        try {
            for (ShardState s : initial) {
                shards.put(s.redisKey, s);
            }
        } finally {
            lock.unlock();
        }
        List<Reader> started = attach(initial);
        started.forEach(Reader::start);
        this.housekeeper = RedisThreads.start("housekeeper", this::runHousekeeper);
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

    // ------------------------------------------------------------------ shard discovery and set-up

    /**
     * The keys of a stream not yet in {@code known}: every {@code key:N} stream, plus the plain key when
     * it is a stream or (at start) when there is no shard key at all.
     */
    private List<ShardState> discover(StreamKey key, Set<String> known, boolean atStart) {
        TreeMap<ShardId, String> found = new TreeMap<>();
        for (String k : backend.scanStreams(key.name() + ":*")) {
            ShardId shard = ShardKeys.shardOf(key.name(), k);
            if (shard != null && !known.contains(k)) {
                found.put(shard, k);
            }
        }
        List<ShardState> out = new ArrayList<>();
        if (!known.contains(key.name())) {
            String type = Errors.await(backend.control.async().type(key.name()), wait, "TYPE " + key.name());
            if ("stream".equals(type) || (atStart && found.isEmpty())) {
                out.add(new ShardState(key.name(), key, ShardId.ZERO, backend.slotOf(key.name())));
            }
        }
        found.forEach((shard, k) -> out.add(new ShardState(k, key, shard, backend.slotOf(k))));
        return out;
    }

    /** Creates groups or pins positions for the shards found when the consumer is created. */
    private void initialise(List<ShardState> initial) {
        RedisClusterAsyncCommands<String, byte[]> c = backend.control.async();
        if (!group) {
            if (reset == StreamReset.LATEST) {
                Map<ShardState, RedisFuture<List<StreamMessage<String, byte[]>>>> tails = new LinkedHashMap<>();
                for (ShardState s : initial) {
                    tails.put(s, c.xrevrange(s.redisKey, Range.create("-", "+"), Limit.from(1)));
                }
                tails.forEach((s, f) -> s.position = lastId(Errors.await(f, wait, "reading the last entry of " + s.redisKey)));
            }
            return;
        }
        String start = reset == StreamReset.EARLIEST ? "0" : "$";
        for (ShardState s : initial) {
            createGroup(s, start, mkstream);
            s.replay = !noAck;
        }
    }

    private static EntryId lastId(List<StreamMessage<String, byte[]>> tail) {
        return tail == null || tail.isEmpty() ? EntryId.ZERO : EntryId.parse(tail.get(0).getId());
    }

    void createGroup(ShardState s, String start, boolean make) {
        XGroupCreateArgs args = new XGroupCreateArgs().mkstream(make);
        try {
            Errors.await(backend.control.async().xgroupCreate(XReadArgs.StreamOffset.from(s.redisKey, start), groupName, args),
                    wait, "creating group " + groupName + " on " + s.redisKey);
        } catch (StreamException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("BUSYGROUP")) {
                return;
            }
            if (msg.contains("requires the key to exist")) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND, "stream " + s.redisKey
                        + " does not exist on " + backend.where() + ", so group " + groupName
                        + " cannot be created; set redis.mkstream=true to create the stream with the group", e);
            }
            throw e;
        }
    }

    /** Hands shards to readers (by slot); returns the readers created, not yet started. Takes the lock. */
    private List<Reader> attach(List<ShardState> added) {
        List<Reader> created = new ArrayList<>();
        lock.lock();
        try {
            for (ShardState s : added) {
                Reader r = readers.get(s.slot);
                if (r == null) {
                    r = new Reader(this, s.slot);
                    readers.put(s.slot, r);
                    created.add(r);
                }
                r.mine.add(s);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return created;
    }

    /** Looks for shards created since the last look and starts reading them (from their beginning). */
    private void discoverMore() {
        Set<String> known;
        lock.lock();
        try {
            known = new HashSet<>(shards.keySet());
        } finally {
            lock.unlock();
        }
        List<ShardState> added = new ArrayList<>();
        for (StreamKey key : keys) {
            added.addAll(discover(key, known, false));
        }
        if (added.isEmpty()) {
            return;
        }
        if (group) {
            for (ShardState s : added) {
                createGroup(s, "0", true);
                s.replay = !noAck;
            }
        }
        pauseReaders();
        List<Reader> created;
        try {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                for (ShardState s : added) {
                    shards.put(s.redisKey, s);
                }
            } finally {
                lock.unlock();
            }
            created = attach(added);
        } finally {
            resumeReaders();
        }
        created.forEach(Reader::start);
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
                delayed.addLast(new DelayedAck(s, e.id(), System.nanoTime() + commitDelayNanos));
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

    // ------------------------------------------------------------------ positioning

    @Override
    public void assign(StreamKey key, ShardId shard) {
        requireKey(key);
        lock.lock();
        try {
            assigned.add(new ShardRef(key, shard));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void unassign(StreamKey key, ShardId shard) {
        requireKey(key);
        lock.lock();
        try {
            Set<ShardRef> current = new LinkedHashSet<>(assigned);
            if (current.isEmpty()) {
                for (ShardState s : shards.values()) {
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
            lock.unlock();
        }
    }

    private void requireKey(StreamKey key) {
        if (!keys.contains(key)) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND, "this consumer does not read " + key
                    + "; it reads " + keys);
        }
    }

    @Override
    public void seek(Instant time) {
        reposition(EntryId.startAfterTime(time), "seek(" + time + ")");
    }

    @Override
    public void rewind(SeqPos position) {
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
        checkOpen();
        pauseReaders();
        List<Ack> skipped = new ArrayList<>();
        try {
            List<ShardState> targets = targets();
            Map<ShardState, EntryId> to = new LinkedHashMap<>();
            if (!group) {
                if (after == null) {
                    Map<ShardState, RedisFuture<List<StreamMessage<String, byte[]>>>> tails = new LinkedHashMap<>();
                    for (ShardState s : targets) {
                        tails.put(s, backend.control.async().xrevrange(s.redisKey, Range.create("-", "+"), Limit.from(1)));
                    }
                    tails.forEach((s, f) -> to.put(s, lastId(Errors.await(f, wait, what + " on " + s.redisKey))));
                } else {
                    targets.forEach(s -> to.put(s, after));
                }
            } else {
                List<RedisFuture<String>> sets = new ArrayList<>();
                for (ShardState s : targets) {
                    XReadArgs.StreamOffset<String> offset = after == null ? XReadArgs.StreamOffset.latest(s.redisKey)
                            : XReadArgs.StreamOffset.from(s.redisKey, after.toString());
                    sets.add(backend.control.async().xgroupSetid(offset, groupName));
                    to.put(s, after);
                }
                for (RedisFuture<String> f : sets) {
                    Errors.await(f, wait, what + " (XGROUP SETID " + groupName + ")");
                }
            }
            lock.lock();
            try {
                Iterator<Entry> it = buffer.iterator();
                while (it.hasNext()) {
                    Entry e = it.next();
                    if (e.shard() != null && to.containsKey(e.shard())) {
                        it.remove();
                        if (group && !noAck && e.id() != null) {
                            e.shard().buffered.remove(e.id());
                            EntryId target = to.get(e.shard());
                            if (target == null || e.id().compareTo(target) <= 0) {
                                skipped.add(new Ack(e.shard(), e.id()));
                            }
                        }
                    }
                }
                to.forEach((s, id) -> {
                    if (!group) {
                        s.position = id;
                    } else {
                        s.replay = false;
                    }
                });
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        } finally {
            resumeReaders();
        }
        sendAcks(skipped, false);
    }

    private List<ShardState> targets() {
        lock.lock();
        try {
            List<ShardState> out = new ArrayList<>();
            for (ShardState s : shards.values()) {
                if (assigned.isEmpty() || assigned.contains(new ShardRef(s.key, s.shard))) {
                    out.add(s);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the readers between reads: wakes blocked reads and waits until none is in flight. */
    private void pauseReaders() {
        lock.lock();
        try {
            pauses++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long started = System.nanoTime();
        while (true) {
            List<Runnable> wakes = new ArrayList<>();
            lock.lock();
            try {
                boolean force = System.nanoTime() - started > TimeUnit.SECONDS.toNanos(2);
                for (Reader r : readers.values()) {
                    if (r.reading) {
                        wakes.add(r.wake(force));
                    }
                }
                if (wakes.isEmpty() || closed) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            wakes.forEach(Runnable::run);
            lock.lock();
            try {
                changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(20));
            } catch (InterruptedException e) {
                pauses--;
                changed.signalAll();
                throw StreamException.interrupted(e, "pausing the readers");
            } finally {
                lock.unlock();
            }
        }
    }

    private void resumeReaders() {
        lock.lock();
        try {
            pauses--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ commits

    @Override
    public void commit(Message message) {
        checkGroupMode("commit");
        if (noAck) {
            return;
        }
        EntryId upTo = EntryId.of(message.seq());
        List<Ack> acks = new ArrayList<>();
        lock.lock();
        try {
            boolean found = false;
            for (ShardState s : shards.values()) {
                if (s.key.equals(message.key()) && s.shard.equals(message.shard())) {
                    found = true;
                    for (EntryId id : s.delivered) {
                        if (id.compareTo(upTo) <= 0) {
                            acks.add(new Ack(s, id));
                        }
                    }
                    for (EntryId id : s.pendingAck) {
                        if (id.compareTo(upTo) <= 0) {
                            acks.add(new Ack(s, id));
                        }
                    }
                    if (!s.delivered.contains(upTo) && !s.pendingAck.contains(upTo) && s.redisKey.equals(redisKeyGuess(message))) {
                        acks.add(new Ack(s, upTo));
                    }
                }
            }
            if (!found) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND, "shard " + message.shard() + " of "
                        + message.key() + " is not read by this consumer");
            }
        } finally {
            lock.unlock();
        }
        sendAcks(acks, true);
    }

    private String redisKeyGuess(Message m) {
        return m.shard().id() == 0 && shards.containsKey(m.key().name()) ? m.key().name()
                : RedisProducerImpl.shardKey(m.key(), m.shard());
    }

    @Override
    public void ack(Message message) {
        checkGroupMode("ack");
        if (noAck) {
            return;
        }
        EntryId id = EntryId.of(message.seq());
        lock.lock();
        try {
            for (ShardState s : shards.values()) {
                if (s.key.equals(message.key()) && s.shard.equals(message.shard()) && s.delivered.remove(id)) {
                    s.pendingAck.add(id);
                    if (backgroundAcks && ++marksSinceAck >= batchSize) {
                        // a page's worth marked: the housekeeper sends them now, in one XACK per shard,
                        // while the application goes on (instead of one huge XACK per interval)
                        marksSinceAck = 0;
                        acksDue = true;
                        changed.signalAll();
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void commitAcks() {
        checkGroupMode("commitAcks");
        if (noAck) {
            return;
        }
        sendAcks(marked(), true);
    }

    private List<Ack> marked() {
        List<Ack> acks = new ArrayList<>();
        lock.lock();
        try {
            for (ShardState s : shards.values()) {
                for (EntryId id : s.pendingAck) {
                    acks.add(new Ack(s, id));
                }
            }
        } finally {
            lock.unlock();
        }
        return acks;
    }

    private void checkGroupMode(String what) {
        if (!group) {
            throw new StreamException(StreamException.Kind.COMMIT_NOT_ALLOWED,
                    "a REAL_TIME consumer keeps no commits (" + what + "); use RESUMABLE or LOAD_BALANCED");
        }
    }

    private void checkOpen() {
        lock.lock();
        try {
            if (closed) {
                throw new StreamException(StreamException.Kind.CLOSED, "this Redis consumer is closed");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * XACKs entries, pipelined per key, and forgets them once stored. Blocks.
     *
     * @param strict true to throw on failure; false to keep them marked for a later try
     */
    void sendAcks(List<Ack> acks, boolean strict) {
        if (acks.isEmpty()) {
            return;
        }
        Map<ShardState, List<EntryId>> byShard = new LinkedHashMap<>();
        for (Ack a : acks) {
            byShard.computeIfAbsent(a.shard(), k -> new ArrayList<>()).add(a.id());
        }
        Map<ShardState, RedisFuture<Long>> futures = new LinkedHashMap<>();
        byShard.forEach((s, ids) -> futures.put(s, backend.control.async().xack(s.redisKey, groupName,
                ids.stream().map(EntryId::toString).toArray(String[]::new))));
        StreamException error = null;
        for (Map.Entry<ShardState, RedisFuture<Long>> f : futures.entrySet()) {
            try {
                Errors.await(f.getValue(), wait, "XACK " + f.getKey().redisKey + " " + groupName);
                List<EntryId> done = byShard.get(f.getKey());
                lock.lock();
                try {
                    done.forEach(f.getKey().delivered::remove);
                    done.forEach(f.getKey().pendingAck::remove);
                } finally {
                    lock.unlock();
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

    // ------------------------------------------------------------------ housekeeping

    private void runHousekeeper() {
        boolean acking = group && !noAck && (autoCommit == AutoCommit.DELAYED || autoCommit == AutoCommit.ROLLING);
        boolean claiming = mode == ConsumerMode.LOAD_BALANCED && !noAck && !claimInterval.isZero() && !claimInterval.isNegative();
        boolean discovering = !discoveryInterval.isZero() && !discoveryInterval.isNegative();
        long now = System.nanoTime();
        long nextAck = acking ? now + commitInterval.toNanos() : Long.MAX_VALUE;
        long nextClaim = claiming ? now + claimInterval.toNanos() : Long.MAX_VALUE;
        long nextDiscovery = discovering ? now + discoveryInterval.toNanos() : Long.MAX_VALUE;
        while (true) {
            boolean early = false;
            lock.lock();
            try {
                while (!closed) {
                    if (acking && acksDue) {
                        acksDue = false;
                        early = true;
                        break;
                    }
                    long due = Math.min(nextAck, Math.min(nextClaim, nextDiscovery));
                    long left = due == Long.MAX_VALUE ? Long.MAX_VALUE : due - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    if (left == Long.MAX_VALUE) {
                        changed.await();
                    } else {
                        changed.awaitNanos(left);
                    }
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            now = System.nanoTime();
            try {
                if (early || now >= nextAck) {
                    nextAck = now + commitInterval.toNanos();
                    autoAck();
                }
                if (now >= nextClaim) {
                    nextClaim = now + claimInterval.toNanos();
                    claim();
                }
                if (now >= nextDiscovery) {
                    nextDiscovery = now + discoveryInterval.toNanos();
                    discoverMore();
                }
            } catch (RuntimeException e) {
                if (e instanceof StreamException se && se.kind() == StreamException.Kind.INTERRUPTED) {
                    return;
                }
                // transient (connection lost, cluster reconfiguring...): the next round tries again
            }
        }
    }

    private void autoAck() {
        lock.lock();
        try {
            moveDueAcks();
        } finally {
            lock.unlock();
        }
        sendAcks(marked(), false);
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
     * LOAD_BALANCED failover: when another member left entries unacknowledged for longer than the idle
     * threshold, claims idle entries for this consumer with XAUTOCLAIM, following its cursor page by page
     * (a round may span several housekeeping turns while the buffer is full).
     */
    private void claim() {
        List<ShardState> all;
        lock.lock();
        try {
            all = new ArrayList<>(shards.values());
        } finally {
            lock.unlock();
        }
        for (ShardState s : all) {
            boolean resuming;
            lock.lock();
            try {
                resuming = !s.claimCursor.equals(EntryId.ZERO);
            } finally {
                lock.unlock();
            }
            if (!resuming && !othersIdle(s)) {
                continue;
            }
            while (true) {
                EntryId cursor;
                lock.lock();
                try {
                    if (closed || (prefetch ? buffer.size() >= batchSize : !buffer.isEmpty())) {
                        return;
                    }
                    cursor = s.claimCursor;
                } finally {
                    lock.unlock();
                }
                XAutoClaimArgs<String> args = new XAutoClaimArgs<String>()
                        .consumer(io.lettuce.core.Consumer.from(groupName, consumerName))
                        .minIdleTime(claimIdle).startId(cursor.toString()).count(batchSize);
                ClaimedMessages<String, byte[]> claimed;
                try {
                    claimed = Errors.await(backend.control.async().xautoclaim(s.redisKey, args), wait,
                            "XAUTOCLAIM " + s.redisKey + " " + groupName);
                } catch (StreamException e) {
                    if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                        break;
                    }
                    throw e;
                }
                List<StreamMessage<String, byte[]>> got = screenDeadLetters(s, claimed.getMessages());
                EntryId next = EntryId.parse(claimed.getId());
                List<Ack> acks;
                lock.lock();
                try {
                    s.claimCursor = next;
                    acks = accept(new Plan(List.of(s), List.of(), false, true), got);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                sendAcks(acks, false);
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
        XPendingArgs<String> args = XPendingArgs.Builder.<String>xpending(groupName, Range.create("-", "+"), Limit.from(batchSize))
                .idle(claimIdle);
        List<PendingMessage> idle;
        try {
            idle = Errors.await(backend.control.async().xpending(s.redisKey, args), wait, "XPENDING " + s.redisKey + " " + groupName);
        } catch (StreamException e) {
            if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                return false;
            }
            throw e;
        }
        return idle.stream().anyMatch(p -> !consumerName.equals(p.getConsumer()));
    }

    /**
     * Moves entries delivered more than {@link RedisOptions#MAX_DELIVERIES} times to the dead-letter
     * stream (XADD there, XACK here) and returns the others. An entry this consumer still holds counts
     * too: every claim after {@link RedisOptions#AUTO_CLAIM_IDLE} is a delivery, as a visibility timeout
     * that expired. Blocks.
     */
    List<StreamMessage<String, byte[]>> screenDeadLetters(ShardState s, List<StreamMessage<String, byte[]>> got) {
        if (deadLetter.isEmpty() || got.isEmpty() || noAck) {
            return got;
        }
        RedisClusterAsyncCommands<String, byte[]> c = backend.control.async();
        List<PendingMessage> pending = Errors.await(c.xpending(s.redisKey, io.lettuce.core.Consumer.from(groupName, consumerName),
                Range.create(got.get(0).getId(), got.get(got.size() - 1).getId()), Limit.from(got.size())), wait,
                "XPENDING " + s.redisKey + " " + groupName);
        Map<String, Long> deliveries = new HashMap<>();
        for (PendingMessage p : pending) {
            deliveries.put(p.getId(), p.getRedeliveryCount());
        }
        List<StreamMessage<String, byte[]>> keep = new ArrayList<>();
        for (StreamMessage<String, byte[]> m : got) {
            if (deliveries.getOrDefault(m.getId(), 0L) > maxDeliveries) {
                byte[] payload = m.getBody().get(backend.field);
                if (payload != null) {
                    Errors.await(c.xadd(deadLetter, backend.field, payload, "origin", s.redisKey.getBytes(StandardCharsets.UTF_8),
                            "origin-id", m.getId().getBytes(StandardCharsets.UTF_8)), wait, "XADD " + deadLetter);
                }
                Errors.await(c.xack(s.redisKey, groupName, m.getId()), wait, "XACK " + s.redisKey);
                forget(s, EntryId.parse(m.getId()));
            } else {
                keep.add(m);
            }
        }
        return keep;
    }

    /** Drops an entry this consumer may hold (it was dead-lettered): from the buffer and the bookkeeping. */
    private void forget(ShardState s, EntryId id) {
        lock.lock();
        try {
            if (s.buffered.remove(id)) {
                buffer.removeIf(e -> e.shard() == s && id.equals(e.id()));
            }
            s.delivered.remove(id);
            s.pendingAck.remove(id);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock: takes a page into the buffer. Returns the entries to acknowledge without delivering
     * (deleted entries in a pending list, entries without the payload field, unrepresentable ids).
     */
    List<Ack> accept(Plan plan, List<StreamMessage<String, byte[]>> got) {
        List<Ack> acks = new ArrayList<>();
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
                    acks.add(new Ack(s, id));
                }
                continue;
            }
            if (!id.representable()) {
                buffer.addLast(new Entry(s, null, null, new StreamException(StreamException.Kind.FORMAT, "entry " + id + " of "
                        + s.redisKey + " has no sequence number (Tide and SeaStreamer need ms < 2^48 and n <= 65535); skipped")));
                if (tracked) {
                    acks.add(new Ack(s, id));
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
        return acks;
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
     * Final acknowledgements (what the application acknowledged, and with {@link AutoCommit#DELAYED} the
     * messages whose delay has passed; never a message the application got but did not commit before its
     * delay), and for LOAD_BALANCED the hand-back of what this member still holds.
     */
    private void finish() {
        if (!group || noAck) {
            return;
        }
        lock.lock();
        try {
            if (autoCommit == AutoCommit.DELAYED) {
                moveDueAcks();
            }
            if (autoCommit == AutoCommit.DISABLED) {
                for (ShardState s : shards.values()) {
                    s.delivered.addAll(s.pendingAck);
                    s.pendingAck.clear();
                }
            }
        } finally {
            lock.unlock();
        }
        sendAcks(marked(), false);
        if (mode != ConsumerMode.LOAD_BALANCED) {
            return;
        }
        List<ShardState> all;
        lock.lock();
        try {
            all = new ArrayList<>(shards.values());
        } finally {
            lock.unlock();
        }
        // Everything still pending for this member (another may have claimed some meanwhile) is made to
        // look idle for long, so the next XAUTOCLAIM of any other member takes it.
        io.lettuce.core.Consumer<String> me = io.lettuce.core.Consumer.from(groupName, consumerName);
        Map<ShardState, RedisFuture<List<PendingMessage>>> pending = new LinkedHashMap<>();
        for (ShardState s : all) {
            pending.put(s, backend.control.async().xpending(s.redisKey, me, Range.create("-", "+"), Limit.from(100_000)));
        }
        for (Map.Entry<ShardState, RedisFuture<List<PendingMessage>>> p : pending.entrySet()) {
            String[] back = Errors.await(p.getValue(), wait, "XPENDING " + p.getKey().redisKey + " " + groupName).stream()
                    .map(PendingMessage::getId).toArray(String[]::new);
            if (back.length > 0) {
                Errors.await(backend.control.async().xclaim(p.getKey().redisKey, me,
                        XClaimArgs.Builder.justid().idle(HAND_BACK_IDLE), back), wait, "handing messages back to group " + groupName);
            }
        }
    }

    @Override
    public String toString() {
        return "RedisConsumer[" + backend.where() + "/" + keys + ", " + mode + (group ? ", group=" + groupName
                + ", consumer=" + consumerName : "") + "]";
    }
}
