package dev.tide.redis;

import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pipelining producer.
 *
 * <p>Design: {@code send} appends an operation to {@link #queue} under {@link #lock} and returns the
 * receipt future; nothing else happens on the caller's thread. One sender thread drains the queue in
 * order, up to {@code batchSize} operations at a time, and turns each send into one lean
 * {@link XaddCommand} (its RESP written straight into Lettuce's buffer, its reply parsed from the reply's
 * bytes, no argument list or future of its own). The commands bound for one connection are handed to
 * Lettuce as one {@link XaddBatch}: one dispatch, one channel write and one timeout timer per batch, with
 * auto-flush off and one flush per batch. An {@link InFlight} count of {@code maxInFlight} permits bounds
 * the commands written but not answered; the sender flushes before it would wait for a permit, so it
 * never waits on commands that were not sent. Receipts complete as the replies are decoded, on Lettuce's
 * I/O thread.
 *
 * <p>Order: one connection answers in order, and the sender writes in queue order, so messages of one
 * key are stored in send order. In a cluster, each key's commands go to the connection of the master
 * that owns its slot (as last known); a command redirected there (MOVED / ASK) is re-sent, after every
 * earlier command is answered, through Lettuce's cluster routing, which follows the redirection, in
 * dispatch order.
 *
 * <p>Barriers ({@link #flush()}, trims, {@link #close()}) are queue operations too: the sender flushes
 * and waits until every earlier command is answered before completing them.
 */
final class RedisProducerImpl implements RedisProducer {

    private sealed interface Op permits Send, Barrier, Trim {
    }

    private record Send(StreamKey key, ShardId shard, String redisKey, byte[] payload, CompletableFuture<Receipt> receipt)
            implements Op {
    }

    private record Barrier(CompletableFuture<Void> done) implements Op {
    }

    private record Trim(StreamKey key, XTrimArgs args, CompletableFuture<Long> done) implements Op {
    }

    private final RedisStreamerImpl streamer;
    private final RedisBackend backend;
    private final Optional<StreamKey> anchor;
    private final Sharder sharder;
    private final int batchSize;
    private final long lingerNanos;
    private final int maxInFlight;
    /** Written by the sender thread only (replaced after a lost connection); read by close() after the sender ended. */
    private volatile RedisBackend.Link link;
    private final InFlight inFlight;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<Op> queue = new ArrayDeque<>();
    /** Sends that failed because the connection was lost, by dispatch number, to send again in order. */
    private final TreeMap<Long, Send> retry = new TreeMap<>();
    /** Whether a message in {@link #retry} was redirected (MOVED / ASK): the slot map is reloaded first. */
    private boolean redirects;
    private boolean closed;
    private boolean stopping;
    private final Thread sender;

    RedisProducerImpl(RedisStreamerImpl streamer, RedisBackend backend, Optional<StreamKey> anchor, ProducerOptions options) {
        RedisOptions.check(options);
        this.streamer = streamer;
        this.backend = backend;
        this.anchor = anchor;
        this.sharder = options.get(RedisOptions.SHARDER).forProducer();
        int batch = options.get(RedisOptions.BATCH_SIZE);
        if (batch < 0) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION, "redis.batch-size must not be negative: " + batch);
        }
        this.batchSize = batch == 0 ? 1000 : batch;
        this.lingerNanos = options.get(RedisOptions.LINGER).toNanos();
        this.maxInFlight = options.get(RedisOptions.MAX_IN_FLIGHT);
        if (maxInFlight < 1) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION, "redis.max-in-flight must be positive: " + maxInFlight);
        }
        // a sender out of permits waits for a quarter of them (at most a batch) before writing on
        this.inFlight = new InFlight(maxInFlight, Math.min(batchSize, maxInFlight / 4));
        this.link = backend.open();
        link.connection().setAutoFlushCommands(false);
        this.sender = RedisThreads.start("producer", this::runSender);
    }

    // ------------------------------------------------------------------ API

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, byte[] payload) {
        checkKey(key);
        if (sharder == NoSharder.INSTANCE) {
            return enqueue(key, ShardId.ZERO, key.name(), payload);
        }
        ShardId shard = ShardId.of(sharder.shard(key, payload));
        return enqueue(key, shard, shardKey(key, shard), payload);
    }

    @Override
    public CompletableFuture<Receipt> send(StreamKey key, ShardId shard, byte[] payload) {
        checkKey(key);
        return enqueue(key, shard, shardKey(key, shard), payload);
    }

    static String shardKey(StreamKey key, ShardId shard) {
        return key.name() + ":" + Long.toUnsignedString(shard.id());
    }

    private static void checkKey(StreamKey key) {
        if (key.isInternal()) {
            throw new StreamException(StreamException.Kind.INVALID_STREAM_KEY,
                    "stream key " + StreamKey.INTERNAL + " is reserved and cannot be sent to");
        }
    }

    private CompletableFuture<Receipt> enqueue(StreamKey key, ShardId shard, String redisKey, byte[] payload) {
        CompletableFuture<Receipt> receipt = new CompletableFuture<>();
        offer(new Send(key, shard, redisKey, payload, receipt));
        return receipt;
    }

    private void offer(Op op) {
        lock.lock();
        try {
            if (closed) {
                throw new StreamException(StreamException.Kind.CLOSED, "this Redis producer is closed");
            }
            queue.addLast(op);
            if (queue.size() == 1 || queue.size() >= batchSize) {
                ready.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<StreamKey> anchor() {
        return anchor;
    }

    @Override
    public void flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            queue.addLast(new Barrier(done));
            ready.signal();
        } finally {
            lock.unlock();
        }
        join(done, "flushing the producer");
    }

    @Override
    public CompletableFuture<Long> trimMaxLength(StreamKey key, long maxLength, boolean exact) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("max length must not be negative: " + maxLength);
        }
        XTrimArgs args = new XTrimArgs().maxlen(maxLength);
        return trim(key, exact ? args.exactTrimming() : args.approximateTrimming());
    }

    @Override
    public CompletableFuture<Long> trimMinTimestamp(StreamKey key, Instant minTimestamp, boolean exact) {
        XTrimArgs args = new XTrimArgs().minId(EntryId.firstAtOrAfter(minTimestamp).toString());
        return trim(key, exact ? args.exactTrimming() : args.approximateTrimming());
    }

    private CompletableFuture<Long> trim(StreamKey key, XTrimArgs args) {
        checkKey(key);
        CompletableFuture<Long> done = new CompletableFuture<>();
        offer(new Trim(key, args, done));
        return done;
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            stopping = true;
            queue.addLast(new Barrier(done));
            ready.signal();
        } finally {
            lock.unlock();
        }
        try {
            join(done, "flushing the producer before closing it");
        } finally {
            try {
                sender.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            link.close();
            streamer.forget(this);
        }
    }

    private static <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, what);
        } catch (ExecutionException e) {
            throw Errors.translate(e, what);
        }
    }

    @Override
    public String toString() {
        return "RedisProducer[" + backend.where() + anchor.map(k -> "/" + k).orElse("") + "]";
    }

    // ------------------------------------------------------------------ sender thread

    /** Dispatch numbers; sender thread only. */
    private long dispatched;

    private void runSender() {
        List<Op> batch = new ArrayList<>(Math.min(batchSize, 4096));
        while (true) {
            boolean idleFlush = false;
            boolean recover = false;
            lock.lock();
            try {
                while (queue.isEmpty() && retry.isEmpty() && !stopping) {
                    if (inFlight.busy()) {
                        // Lettuce may write commands (re-sent redirections, replays) without flushing them:
                        // flush while answers are due.
                        if (!ready.await(2, TimeUnit.MILLISECONDS)) {
                            idleFlush = true;
                            break;
                        }
                    } else {
                        ready.await();
                    }
                }
                if (!retry.isEmpty()) {
                    recover = true;
                } else if (!idleFlush) {
                    if (queue.isEmpty()) {
                        break;
                    }
                    if (lingerNanos > 0 && queue.size() < batchSize && !stopping) {
                        long left = lingerNanos;
                        while (left > 0 && queue.size() < batchSize && !stopping && retry.isEmpty()) {
                            left = ready.awaitNanos(left);
                        }
                    }
                    for (int i = 0; i < batchSize && !queue.isEmpty(); i++) {
                        batch.add(queue.pollFirst());
                    }
                }
            } catch (InterruptedException e) {
                // Not interrupted by Tide; finish what is queued.
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
            if (recover) {
                recover();
                continue;
            }
            if (idleFlush) {
                link.connection().flushCommands();
                continue;
            }
            dispatch(batch);
            batch.clear();
        }
        link.connection().flushCommands();
    }

    private void dispatch(List<Op> batch) {
        for (Op op : batch) {
            switch (op) {
                case Send s -> add(s);
                case Barrier b -> {
                    settle();
                    b.done().complete(null);
                }
                case Trim t -> {
                    settle();
                    try {
                        t.done().complete(trimNow(t));
                    } catch (RuntimeException e) {
                        t.done().completeExceptionally(Errors.translate(e, "trimming " + t.key()));
                    }
                }
            }
        }
        submit();
        link.connection().flushCommands();
    }

    // Lean path: each send becomes one XaddCommand; the commands of one connection are collected in a
    // lane and handed to Lettuce as one XaddBatch by submit(). Sender thread only.

    /** Commands collected per connection, not yet handed to Lettuce; sender thread only. */
    private final Map<StatefulConnection<String, byte[]>, ArrayList<XaddCommand>> lanes = new LinkedHashMap<>();
    /** RESP prefix ({@code XADD key * field}) per Redis key; sender thread only. */
    private final Map<String, byte[]> prefixes = new HashMap<>();
    /** Cluster: the node connection per Redis key, until the next submit(); sender thread only. */
    private final Map<String, StatefulConnection<String, byte[]>> routes = new HashMap<>();

    /** Adds one send to its lane, first waiting for a permit (handing over what was collected if none is free). */
    private void add(Send s) {
        if (!inFlight.tryAcquire()) {
            submit();
            link.connection().flushCommands();
            inFlight.acquire();
        }
        long number = ++dispatched;
        StatefulConnection<String, byte[]> target;
        try {
            target = route(s.redisKey());
        } catch (RuntimeException e) {
            failed(s, number, e);
            return;
        }
        byte[] prefix = prefixes.get(s.redisKey());
        if (prefix == null) {
            if (prefixes.size() >= 10_000) {
                prefixes.clear();
            }
            prefix = XaddCommand.prefix(s.redisKey(), backend.field);
            prefixes.put(s.redisKey(), prefix);
        }
        lanes.computeIfAbsent(target, k -> new ArrayList<>(Math.min(batchSize, 4096)))
                .add(new XaddCommand(s, number, prefix, s.payload(), listener));
    }

    /**
     * The connection that takes XADDs for a key: the producer's own connection, or in a cluster the
     * connection (of the producer's cluster connection) to the master that owns the key's slot as last
     * known. Redirections (MOVED / ASK) are re-sent through Lettuce's cluster routing (see recover()).
     */
    @SuppressWarnings("unchecked")
    private StatefulConnection<String, byte[]> route(String redisKey) {
        if (!backend.cluster) {
            return link.connection();
        }
        StatefulConnection<String, byte[]> c = routes.get(redisKey);
        if (c == null) {
            RedisBackend.Node node = backend.nodeFor(redisKey);
            c = ((StatefulRedisClusterConnection<String, byte[]>) link.connection()).getConnection(node.host(), node.port());
            routes.put(redisKey, c);
        }
        return c;
    }

    /** Hands every lane to Lettuce as one batch (written with the next flush). */
    private void submit() {
        routes.clear();
        if (lanes.isEmpty()) {
            return;
        }
        for (Map.Entry<StatefulConnection<String, byte[]>, ArrayList<XaddCommand>> lane : lanes.entrySet()) {
            XaddBatch batch = new XaddBatch(lane.getValue());
            try {
                lane.getKey().dispatch(batch);
            } catch (RuntimeException e) {
                batch.completeExceptionally(e);
            }
        }
        lanes.clear();
    }

    /** The outcome of each lean XADD, on a Lettuce thread. */
    private final XaddCommand.Listener listener = new XaddCommand.Listener() {
        @Override
        public void stored(XaddCommand command, long ms, long n) {
            Send s = (Send) command.send;
            // complete before releasing the permit: a barrier that holds every permit sees every receipt done
            try {
                EntryId id = new EntryId(ms, n);
                s.receipt().complete(new Receipt(s.key(), s.shard(), id.seq(s.redisKey()), id.timestamp()));
            } catch (StreamException e) {
                s.receipt().completeExceptionally(e);
            } finally {
                inFlight.release();
            }
        }

        @Override
        public void failed(XaddCommand command, Throwable error) {
            RedisProducerImpl.this.failed((Send) command.send, command.number, error);
        }
    };

    /**
     * Sends one XADD through Lettuce's own command path: used for re-sending redirected messages in a
     * cluster, where Lettuce follows MOVED and ASK.
     */
    private void writeViaLettuce(Send s) {
        if (!inFlight.tryAcquire()) {
            link.connection().flushCommands();
            inFlight.acquire();
        }
        long number = ++dispatched;
        RedisFuture<String> f;
        try {
            f = link.async().xadd(s.redisKey(), backend.field, s.payload());
        } catch (RuntimeException e) {
            failed(s, number, e);
            return;
        }
        f.whenComplete((id, error) -> {
            if (error != null) {
                failed(s, number, error);
                return;
            }
            try {
                EntryId eid = EntryId.parse(id);
                s.receipt().complete(new Receipt(s.key(), s.shard(), eid.seq(s.redisKey()), eid.timestamp()));
            } catch (StreamException e) {
                s.receipt().completeExceptionally(e);
            } finally {
                inFlight.release();
            }
        });
    }

    /**
     * A send failed: a lost connection sends it again (in dispatch order), and so does a cluster
     * redirection (MOVED / ASK, through Lettuce's routing); anything else fails its receipt.
     */
    private void failed(Send s, long number, Throwable error) {
        String reply = Errors.serverError(error);
        boolean redirected = reply != null && backend.cluster && (reply.startsWith("MOVED ") || reply.startsWith("ASK "));
        if (redirected || (reply == null && Errors.isConnectionProblem(error)
                && !(Errors.unwrap(error) instanceof io.lettuce.core.RedisCommandTimeoutException))) {
            lock.lock();
            try {
                retry.put(number, s);
                if (redirected) {
                    redirects = true;
                }
                ready.signal();
            } finally {
                lock.unlock();
            }
            inFlight.release();
            return;
        }
        s.receipt().completeExceptionally(Errors.translate(error, "XADD " + s.redisKey()));
        inFlight.release();
    }

    /** Flushes and waits until every command written so far is answered, or failed. */
    private void drain() {
        submit();
        link.connection().flushCommands();
        inFlight.awaitNone();
    }

    /** Waits until everything written so far is stored, sending again what a lost connection failed. */
    private void settle() {
        while (true) {
            drain();
            boolean again;
            lock.lock();
            try {
                again = !retry.isEmpty();
            } finally {
                lock.unlock();
            }
            if (!again) {
                return;
            }
            recover();
        }
    }

    /**
     * After a lost connection: waits for every command in flight to end, opens a new connection
     * (standalone; a cluster connection reconnects by itself) with back-off for up to
     * {@link RedisOptions#RECONNECT_TIMEOUT}, and sends the failed messages again in their original order
     * (at least once: one the server stored before the connection broke is stored twice). If no
     * connection comes back in time, every waiting message fails with {@link StreamException.Kind#CONNECT}.
     */
    private void recover() {
        drain();
        if (!backend.cluster) {
            link.close();
            long start = System.nanoTime();
            long backoff = TimeUnit.MILLISECONDS.toNanos(10);
            while (true) {
                try {
                    RedisBackend.Link fresh = backend.open();
                    fresh.connection().setAutoFlushCommands(false);
                    link = fresh;
                    break;
                } catch (StreamException e) {
                    if (System.nanoTime() - start > backend.reconnectTimeout.toNanos()) {
                        failAll(new StreamException(StreamException.Kind.CONNECT, "lost the connection to " + backend.where()
                                + " and could not reconnect within " + backend.reconnectTimeout, e));
                        return;
                    }
                    pause(backoff);
                    backoff = Math.min(backoff * 2, TimeUnit.SECONDS.toNanos(1));
                }
            }
        }
        List<Send> again;
        boolean redirected;
        lock.lock();
        try {
            again = new ArrayList<>(retry.values());
            retry.clear();
            redirected = redirects;
            redirects = false;
        } finally {
            lock.unlock();
        }
        if (redirected) {
            backend.refreshTopology();
        }
        for (Send s : again) {
            if (backend.cluster) {
                writeViaLettuce(s);
            } else {
                add(s);
            }
        }
        submit();
        link.connection().flushCommands();
    }

    private void pause(long nanos) {
        lock.lock();
        try {
            long left = nanos;
            while (left > 0) {
                left = ready.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Fails every message waiting to be sent again, and every queued one. */
    private void failAll(StreamException error) {
        List<Op> dropped;
        lock.lock();
        try {
            dropped = new ArrayList<>(retry.values());
            retry.clear();
            dropped.addAll(queue);
            queue.clear();
        } finally {
            lock.unlock();
        }
        for (Op op : dropped) {
            switch (op) {
                case Send s -> s.receipt().completeExceptionally(error);
                case Barrier b -> b.done().complete(null);
                case Trim t -> t.done().completeExceptionally(error);
            }
        }
    }

    private long trimNow(Trim t) {
        List<String> keys = new ArrayList<>();
        keys.add(t.key().name());
        for (String k : backend.scanStreams(t.key().name() + ":*")) {
            if (ShardKeys.shardOf(t.key().name(), k) != null) {
                keys.add(k);
            }
        }
        List<RedisFuture<Long>> futures = new ArrayList<>();
        for (String k : keys) {
            futures.add(link.async().xtrim(k, t.args()));
        }
        link.connection().flushCommands();
        long removed = 0;
        for (RedisFuture<Long> f : futures) {
            Long n = Errors.await(f, backend.commandTimeout.plus(Duration.ofSeconds(1)), "XTRIM " + t.key());
            removed += n == null ? 0 : n;
        }
        return removed;
    }
}
