package dev.tide.redis;

import dev.tide.StreamException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A consumer's reader thread: reads the shards of one hash slot (all shards on a standalone server)
 * on a connection of its own, in a loop: wait until the buffer wants more, read a page (blocking up to
 * {@link RedisOptions#BLOCK} on the server), hand it to the buffer. It recovers from lost connections (reconnecting with back-off for
 * up to {@link RedisBackend#reconnectTimeout}), redirections (MOVED: reload the slot map and follow;
 * ASK: one read with ASKING on the importing node), a lost group (NOGROUP: create it again) and a
 * busy cluster or a key that went away (TRYAGAIN, CLUSTERDOWN, LOADING, UNBLOCKED: back off); any other
 * error fails the consumer.
 */
final class Reader {

    private final RedisConsumerImpl owner;

    private final int slot;
    /** Guarded by the consumer's lock. */
    final List<ShardState> mine = new ArrayList<>();
    /** Guarded by the consumer's lock: a read is in flight. */
    boolean reading;
    /** Guarded by the consumer's lock: the connection of the read in flight, where it blocks, and its client id. */
    private StatefulRedisConnection<String, byte[]> conn;
    private RedisBackend.Node node;
    private long clientId = -1;
    private StatefulRedisConnection<String, byte[]> askConn;
    private RedisBackend.Node askNode;
    private Thread thread;
    private long backoffNanos;
    private boolean inOutage;
    private long outageSince;

    Reader(RedisConsumerImpl owner, int slot) {
        this.owner = owner;
        this.slot = slot;
    }

    void start() {
        thread = RedisThreads.start("reader-" + slot, this::run);
    }

    /** Returns true if interrupted while waiting. */
    boolean join() {
        if (thread == null) {
            return false;
        }
        try {
            thread.join();
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    /**
     * Under the consumer's lock: what ends the read in flight (CLIENT UNBLOCK, or with {@code force}
     * closing the connection). The returned action does the I/O; run it after releasing the lock.
     */
    Runnable wake(boolean force) {
        StatefulRedisConnection<String, byte[]> c = conn;
        StatefulRedisConnection<String, byte[]> a = askConn;
        if (force) {
            conn = null;
            clientId = -1;
            node = null;
            askConn = null;
            return () -> {
                shut(c);
                shut(a);
            };
        }
        if (c != null && clientId >= 0 && node != null) {
            RedisBackend.Node where = node;
            long id = clientId;
            return () -> owner.backend.unblock(where, id);
        }
        return () -> { };
    }

    private void run() {
        try {
            while (true) {
                RedisConsumerImpl.Plan plan;
                owner.lock.lock();
                try {
                    while (!owner.closed && owner.failure == null && (owner.pauses > 0 || !wantsMore() || mine.isEmpty())) {
                        owner.changed.await();
                    }
                    if (owner.closed || owner.failure != null) {
                        return;
                    }
                    plan = plan();
                    reading = true;
                } finally {
                    owner.lock.unlock();
                }
                List<StreamMessage<String, byte[]>> got;
                try {
                    got = read(plan);
                } catch (RuntimeException e) {
                    owner.lock.lock();
                    try {
                        reading = false;
                        owner.changed.signalAll();
                    } finally {
                        owner.lock.unlock();
                    }
                    if (!recover(e)) {
                        return;
                    }
                    continue;
                }
                backoffNanos = 0;
                inOutage = false;
                if (plan.replay() && !got.isEmpty()) {
                    got = screen(plan, got);
                }
                List<RedisConsumerImpl.Ack> acks;
                owner.lock.lock();
                try {
                    reading = false;
                    acks = owner.accept(plan, got);
                    owner.changed.signalAll();
                } finally {
                    owner.lock.unlock();
                }
                owner.acks.send(acks, false);
            }
        } catch (InterruptedException e) {
            // only close() ends a reader; treat as closing
        } catch (RuntimeException e) {
            owner.fail(Errors.translate(e, "reading " + mine));
        } finally {
            StatefulRedisConnection<String, byte[]> c;
            StatefulRedisConnection<String, byte[]> a;
            owner.lock.lock();
            try {
                reading = false;
                c = conn;
                a = askConn;
                conn = null;
                askConn = null;
                owner.changed.signalAll();
            } finally {
                owner.lock.unlock();
            }
            shut(c);
            shut(a);
        }
    }

    private List<StreamMessage<String, byte[]>> screen(RedisConsumerImpl.Plan plan, List<StreamMessage<String, byte[]>> got) {
        Map<String, List<StreamMessage<String, byte[]>>> byKey = new LinkedHashMap<>();
        for (StreamMessage<String, byte[]> m : got) {
            byKey.computeIfAbsent(m.getStream(), k -> new ArrayList<>()).add(m);
        }
        List<StreamMessage<String, byte[]>> out = new ArrayList<>();
        for (ShardState s : plan.shards()) {
            List<StreamMessage<String, byte[]>> some = byKey.get(s.redisKey);
            if (some != null) {
                List<StreamMessage<String, byte[]>> kept = owner.failover.screenDeadLetters(s, some);
                out.addAll(kept);
                if (kept.isEmpty()) {
                    // keep the replay cursor moving past dead-lettered entries
                    out.add(new StreamMessage<>(s.redisKey, some.get(some.size() - 1).getId(), Map.of()));
                }
            }
        }
        return out;
    }

    /** Under the lock: whether the buffer wants another page. */
    private boolean wantsMore() {
        if (owner.prefetch) {
            return owner.buffer.size() < owner.batchSize;
        }
        return owner.buffer.isEmpty() && (owner.waiters > 0 || owner.demanded);
    }

    /** Under the lock: the next read. */
    private RedisConsumerImpl.Plan plan() {
        List<ShardState> replaying = new ArrayList<>();
        for (ShardState s : mine) {
            if (s.replay) {
                replaying.add(s);
            }
        }
        if (!replaying.isEmpty()) {
            return new RedisConsumerImpl.Plan(replaying, replaying.stream().map(s -> s.replayCursor.toString()).toList(), true, true);
        }
        List<ShardState> all = List.copyOf(mine);
        List<String> ids = owner.group ? Collections.nCopies(all.size(), ">") : all.stream().map(s -> s.position.toString()).toList();
        return new RedisConsumerImpl.Plan(all, ids, false, false);
    }

    @SuppressWarnings("unchecked")
    private List<StreamMessage<String, byte[]>> read(RedisConsumerImpl.Plan plan) {
        StatefulRedisConnection<String, byte[]> c = connection(plan);
        boolean asking = askNode != null;
        XReadArgs args = new XReadArgs().count(owner.batchSize);
        if (!plan.replay()) {
            args.block(asking ? Duration.ofMillis(Math.min(100, owner.block.toMillis())) : owner.block);
        }
        if (owner.noAck && !plan.replay()) {
            args.noack(true);
        }
        XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[plan.shards().size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = XReadArgs.StreamOffset.from(plan.shards().get(i).redisKey, plan.ids().get(i));
        }
        RedisAsyncCommands<String, byte[]> async = c.async();
        if (asking) {
            async.asking();
            askNode = null;
        }
        RedisFuture<List<StreamMessage<String, byte[]>>> f = owner.group
                ? async.xreadgroup(io.lettuce.core.Consumer.from(owner.groupName, owner.consumerName), args, offsets)
                : async.xread(args, offsets);
        List<StreamMessage<String, byte[]>> got = Errors.await(f, owner.block.plus(owner.wait), "reading " + plan.shards());
        return got == null ? List.of() : got;
    }

    /** The connection for the next read: to the slot's master, or to the ASK target once. */
    private StatefulRedisConnection<String, byte[]> connection(RedisConsumerImpl.Plan plan) {
        if (askNode != null) {
            if (askConn == null || !askConn.isOpen() || !askNode.equals(askConnNode)) {
                if (askConn != null) {
                    shut(askConn);
                }
                StatefulRedisConnection<String, byte[]> a = owner.backend.openNode(askNode);
                owner.lock.lock();
                try {
                    askConn = a;
                } finally {
                    owner.lock.unlock();
                }
                askConnNode = askNode;
            }
            return askConn;
        }
        RedisBackend.Node target = owner.backend.nodeFor(plan.shards().get(0).redisKey);
        StatefulRedisConnection<String, byte[]> current;
        owner.lock.lock();
        try {
            current = conn;
            if (current != null && (!current.isOpen() || !target.equals(node))) {
                conn = null;
                clientId = -1;
                node = null;
            } else if (current != null) {
                return current;
            }
        } finally {
            owner.lock.unlock();
        }
        if (current != null) {
            shut(current);
        }
        StatefulRedisConnection<String, byte[]> fresh = owner.backend.openNode(target);
        long id;
        try {
            id = Errors.await(fresh.async().clientId(), owner.wait, "CLIENT ID on " + target);
        } catch (RuntimeException e) {
            shut(fresh);
            throw e;
        }
        owner.lock.lock();
        try {
            if (owner.closed) {
                shut(fresh);
                throw new StreamException(StreamException.Kind.CLOSED, "consumer owner.closed");
            }
            conn = fresh;
            node = target;
            clientId = id;
        } finally {
            owner.lock.unlock();
        }
        return fresh;
    }

    private RedisBackend.Node askConnNode;

    /** After a failed read: returns false when the reader must stop. */
    private boolean recover(RuntimeException e) {
        owner.lock.lock();
        try {
            if (owner.closed) {
                return false;
            }
        } finally {
            owner.lock.unlock();
        }
        String err = Errors.serverError(e);
        if (err != null) {
            if (err.startsWith("NOGROUP")) {
                List<ShardState> lost;
                owner.lock.lock();
                try {
                    lost = List.copyOf(mine);
                } finally {
                    owner.lock.unlock();
                }
                try {
                    for (ShardState s : lost) {
                        owner.discovery.createGroup(s, "0", true);
                    }
                } catch (StreamException again) {
                    return backOff();
                }
                return true;
            }
            if (err.startsWith("MOVED")) {
                owner.backend.refreshTopology();
                dropConnection();
                return true;
            }
            if (err.startsWith("ASK")) {
                askNode = parseNode(err);
                if (askNode == null) {
                    return backOff();
                }
                return true;
            }
            // UNBLOCKED: the key went away under a blocked XREADGROUP (deleted, or migrated to another node)
            if (err.startsWith("TRYAGAIN") || err.startsWith("CLUSTERDOWN") || err.startsWith("LOADING")
                    || err.startsWith("MASTERDOWN") || err.startsWith("BUSY") || err.startsWith("READONLY")
                    || err.startsWith("UNBLOCKED")) {
                return backOff();
            }
            owner.fail(new StreamException(StreamException.Kind.BACKEND, "reading " + describe() + ": " + err, Errors.unwrap(e)));
            return false;
        }
        boolean connection = Errors.isConnectionProblem(e) || (e instanceof StreamException se
                && (se.kind() == StreamException.Kind.CONNECT || se.kind() == StreamException.Kind.TIMEOUT));
        if (e instanceof StreamException se && se.kind() == StreamException.Kind.CLOSED) {
            return false;
        }
        if (!connection) {
            owner.fail(Errors.translate(e, "reading " + describe()));
            return false;
        }
        dropConnection();
        askNode = null;
        long now = System.nanoTime();
        if (!inOutage) {
            inOutage = true;
            outageSince = now;
        } else if (now - outageSince > owner.backend.reconnectTimeout.toNanos()) {
            owner.fail(new StreamException(StreamException.Kind.CONNECT, "lost the connection to " + owner.backend.where()
                    + " while reading " + describe() + " and could not reconnect within " + owner.backend.reconnectTimeout,
                    Errors.unwrap(e)));
            return false;
        }
        if (owner.group && !owner.noAck) {
            owner.lock.lock();
            try {
                for (ShardState s : mine) {
                    s.replay = true;
                    s.replayCursor = EntryId.ZERO;
                }
            } finally {
                owner.lock.unlock();
            }
        }
        return backOff();
    }

    private String describe() {
        owner.lock.lock();
        try {
            return mine + " on " + (node != null ? node : owner.backend.where());
        } finally {
            owner.lock.unlock();
        }
    }

    private RedisBackend.Node parseNode(String err) {
        String[] parts = err.strip().split(" ");
        if (parts.length < 3) {
            return null;
        }
        String hp = parts[2];
        int colon = hp.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return new RedisBackend.Node(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void dropConnection() {
        StatefulRedisConnection<String, byte[]> c;
        owner.lock.lock();
        try {
            c = conn;
            conn = null;
            clientId = -1;
            node = null;
        } finally {
            owner.lock.unlock();
        }
        if (c != null) {
            shut(c);
        }
    }

    /** Waits before retrying (10 ms, doubling up to 1 s); returns false if closed meanwhile. */
    private boolean backOff() {
        backoffNanos = backoffNanos == 0 ? TimeUnit.MILLISECONDS.toNanos(10)
                : Math.min(backoffNanos * 2, TimeUnit.SECONDS.toNanos(1));
        owner.lock.lock();
        try {
            long left = backoffNanos;
            while (!owner.closed && left > 0) {
                left = owner.changed.awaitNanos(left);
            }
            return !owner.closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            owner.lock.unlock();
        }
    }

    /** Closes a reader connection unless it is closed already (Lettuce warns about closing twice). */
    private static void shut(StatefulRedisConnection<String, byte[]> c) {
        if (c != null && c.isOpen()) {
            c.closeAsync();
        }
    }
}
