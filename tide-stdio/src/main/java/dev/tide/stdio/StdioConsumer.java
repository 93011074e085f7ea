package dev.tide.stdio;

import dev.tide.Consumer;
import dev.tide.ConsumerGroup;
import dev.tide.ConsumerMode;
import dev.tide.Message;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/*
 * A consumer of stdio lines: a mailbox filled by its input hub. Reading is live only (no history):
 * seek and rewind are unsupported, the stream reset is irrelevant (a consumer sees the lines read after
 * it was created; the first consumer starts the reader, so it sees the input from its first line), and
 * there are no commits. assign/unassign only keep the set SeaStreamer's API asks for (positioning is
 * unsupported, so it has no effect on delivery). Commits of a LOAD_BALANCED consumer are accepted and
 * need no storage (see commit).
 */
final class StdioConsumer implements Consumer {

    private final StdioStreamer streamer;
    private final InputHub hub;
    private final List<StreamKey> keys;
    private final Set<StreamKey> keySet;
    private final ConsumerMode mode;
    private final Optional<ConsumerGroup> group;
    private final Mailbox mailbox;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock assignLock = new ReentrantLock();
    private final Set<Assignment> assigned = new LinkedHashSet<>();

    private record Assignment(StreamKey key, ShardId shard) {
    }

    StdioConsumer(StdioStreamer streamer, InputHub hub, List<StreamKey> keys, ConsumerMode mode, Optional<ConsumerGroup> group) {
        this.streamer = streamer;
        this.hub = hub;
        this.keys = List.copyOf(keys);
        this.keySet = Set.copyOf(keys);
        this.mode = mode;
        this.group = group;
        this.mailbox = new Mailbox("stdio consumer of " + keys + group.map(g -> " in group " + g).orElse(""));
    }

    Mailbox mailbox() {
        return mailbox;
    }

    Optional<ConsumerGroup> group() {
        return group;
    }

    /** Whether a message of {@code key} (or a broadcast line) is for this consumer. */
    boolean matches(StreamKey key, boolean broadcast) {
        return broadcast || keySet.contains(key);
    }

    @Override
    public Message next() {
        return mailbox.take();
    }

    @Override
    public Optional<Message> poll(Duration timeout) {
        return mailbox.poll(timeout);
    }

    @Override
    public List<StreamKey> keys() {
        return keys;
    }

    @Override
    public void seek(Instant time) {
        throw new StreamException(StreamException.Kind.UNSUPPORTED,
                "stdio cannot seek: standard input is read once, as it arrives, and nothing is stored");
    }

    @Override
    public void rewind(SeqPos position) {
        throw new StreamException(StreamException.Kind.UNSUPPORTED,
                "stdio cannot rewind: standard input is read once, as it arrives, and nothing is stored");
    }

    @Override
    public void assign(StreamKey key, ShardId shard) {
        if (!keySet.contains(key)) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                    "this consumer does not read " + key + "; it reads " + keys);
        }
        assignLock.lock();
        try {
            assigned.add(new Assignment(key, shard));
        } finally {
            assignLock.unlock();
        }
    }

    @Override
    public void unassign(StreamKey key, ShardId shard) {
        assignLock.lock();
        try {
            Assignment a = new Assignment(key, shard);
            if (!assigned.contains(a)) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND,
                        key + " shard " + shard + " is not assigned to this consumer");
            }
            if (assigned.size() == 1) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY,
                        key + " shard " + shard + " is the last assigned stream shard of this consumer");
            }
            assigned.remove(a);
        } finally {
            assignLock.unlock();
        }
    }

    /**
     * On a {@code LOAD_BALANCED} consumer, accepted and nothing is recorded: stdio delivers each line to one
     * member once and never redelivers it, so "m and everything before it is processed" needs no storage.
     * (Nor is there anything to resume from: lines that arrive while a group has no member reach nobody.)
     */
    @Override
    public void commit(Message message) {
        java.util.Objects.requireNonNull(message, "message");
        if (mode == ConsumerMode.REAL_TIME) {
            throw new StreamException(StreamException.Kind.COMMIT_NOT_ALLOWED, "a REAL_TIME consumer cannot commit");
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            hub.unregister(this);
            streamer.forget(this);
        }
    }

    @Override
    public String toString() {
        return "StdioConsumer" + keys + group.map(g -> "[group " + g + "]").orElse("");
    }
}
