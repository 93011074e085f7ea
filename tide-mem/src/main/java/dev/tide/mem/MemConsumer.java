package dev.tide.mem;

import dev.tide.Consumer;
import dev.tide.Message;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What every mem consumer shares: blocking reads on the broker's condition, closing, and the
 * assigned shards that positioning applies to. The subclasses decide where positions live and what
 * a commit does. All mutable state is guarded by the broker's lock.
 */
abstract sealed class MemConsumer implements Consumer permits DirectConsumer, GroupMember {

    /** A stream shard, as named in assign/unassign. */
    record ShardRef(StreamKey key, ShardId shard) {
    }

    final MemStreamer owner;
    final MemBroker broker;
    final List<StreamKey> keys;
    /** The shards positioning applies to; empty: every shard of the streams. Guarded by the lock. */
    private final Set<ShardRef> assigned = new LinkedHashSet<>();
    /** Guarded by the lock. */
    private boolean closed;

    MemConsumer(MemStreamer owner, List<StreamKey> keys) {
        this.owner = owner;
        this.broker = owner.broker();
        this.keys = keys;
    }

    /** The next message, moving the position past it, or null if none is there. Lock held. */
    abstract Message take();

    /** Sets the position on a shard to the given sequence number. Lock held. */
    abstract void position(ShardLog log, long seq);

    /** Records a commit of a message of one of this consumer's streams. Lock held. */
    abstract void commitLocked(ShardLog log, Message message);

    /** Releases what the consumer holds when it closes. Lock held. */
    abstract void closeLocked();

    /** Whether this consumer's mode keeps commits. */
    abstract boolean commits();

    @Override
    public final Message next() {
        broker.lock().lock();
        try {
            while (true) {
                checkOpen();
                Message m = take();
                if (m != null) {
                    return m;
                }
                broker.changed().await();
            }
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "waiting for a message of " + keys);
        } finally {
            broker.lock().unlock();
        }
    }

    @Override
    public final Optional<Message> poll(Duration timeout) {
        long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        broker.lock().lock();
        try {
            while (true) {
                checkOpen();
                Message m = take();
                if (m != null) {
                    return Optional.of(m);
                }
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = broker.changed().awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "waiting for a message of " + keys);
        } finally {
            broker.lock().unlock();
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public final List<StreamKey> keys() {
        return keys;
    }

    @Override
    public final void seek(Instant time) {
        Objects.requireNonNull(time, "time");
        broker.lock().lock();
        try {
            checkOpen();
            for (ShardLog log : targets()) {
                position(log, log.seqAtOrAfter(time));
            }
            broker.changed().signalAll();
        } finally {
            broker.lock().unlock();
        }
    }

    @Override
    public final void rewind(SeqPos position) {
        Objects.requireNonNull(position, "position");
        broker.lock().lock();
        try {
            checkOpen();
            for (ShardLog log : targets()) {
                long seq = switch (position) {
                    case SeqPos.Beginning b -> log.firstSeq();
                    case SeqPos.End e -> log.nextSeq();
                    // sequence numbers are unsigned; the broker's never exceed Long.MAX_VALUE
                    case SeqPos.At at -> at.seq().value() < 0 ? Long.MAX_VALUE : Math.max(at.seq().value(), log.firstSeq());
                };
                position(log, seq);
            }
            broker.changed().signalAll();
        } finally {
            broker.lock().unlock();
        }
    }

    /** The logs positioning applies to. Lock held. */
    private List<ShardLog> targets() {
        List<ShardLog> out = new ArrayList<>();
        if (assigned.isEmpty()) {
            broker.forEachLog(keys, out::add);
        } else {
            for (ShardRef ref : assigned) {
                out.add(broker.log(ref.key(), ref.shard()));
            }
        }
        return out;
    }

    @Override
    public final void assign(StreamKey key, ShardId shard) {
        Objects.requireNonNull(shard, "shard");
        broker.lock().lock();
        try {
            checkOpen();
            checkRead(key);
            assigned.add(new ShardRef(key, shard));
        } finally {
            broker.lock().unlock();
        }
    }

    @Override
    public final void unassign(StreamKey key, ShardId shard) {
        ShardRef ref = new ShardRef(Objects.requireNonNull(key, "key"), Objects.requireNonNull(shard, "shard"));
        broker.lock().lock();
        try {
            checkOpen();
            checkRead(key);
            Set<ShardRef> current = new LinkedHashSet<>(assigned);
            if (current.isEmpty()) {
                broker.forEachLog(keys, log -> current.add(new ShardRef(log.key(), log.shard())));
            }
            if (!current.remove(ref)) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                        "shard " + shard + " of " + key + " is not assigned to this consumer");
            }
            if (current.isEmpty()) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY,
                        "cannot unassign shard " + shard + " of " + key + ": it is the last one assigned");
            }
            assigned.clear();
            assigned.addAll(current);
        } finally {
            broker.lock().unlock();
        }
    }

    @Override
    public final void commit(Message message) {
        Objects.requireNonNull(message, "message");
        if (!commits()) {
            throw new StreamException(StreamException.Kind.COMMIT_NOT_ALLOWED,
                    "a REAL_TIME consumer keeps no commits; use RESUMABLE or LOAD_BALANCED");
        }
        broker.lock().lock();
        try {
            checkOpen();
            checkRead(message.key());
            ShardLog log = broker.existingLog(message.key(), message.shard());
            if (log == null) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                        "shard " + message.shard() + " of " + message.key() + " has no message to commit");
            }
            commitLocked(log, message);
        } finally {
            broker.lock().unlock();
        }
    }

    @Override
    public final void close() {
        broker.lock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeLocked();
            broker.changed().signalAll();
        } finally {
            broker.lock().unlock();
        }
        owner.forget(this);
    }

    private void checkRead(StreamKey key) {
        if (!keys.contains(Objects.requireNonNull(key, "key"))) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                    "this consumer reads " + keys + ", not " + key);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StreamException(StreamException.Kind.CLOSED, "this consumer of " + keys + " is closed");
        }
    }
}
