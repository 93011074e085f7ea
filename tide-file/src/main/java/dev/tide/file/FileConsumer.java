package dev.tide.file;

import dev.tide.Consumer;
import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A consumer of streams in a file. REAL_TIME and RESUMABLE consumers have their own reader thread;
 * LOAD_BALANCED ones share their group's ({@link FileGroup}). Messages wait in a bounded
 * {@link MessageQueue} ({@code file.prefetch}) for {@link #next()}.
 *
 * <p>Positions: {@code rewind(at(n))} goes to the first message with seq ≥ n and {@code seek(t)} to
 * the first with timestamp ≥ t (SeaStreamer's file seek takes "later than t"; Tide's rule is the same
 * on every backend), on every assigned stream and shard — all shards of all the consumer's streams
 * until {@link #assign} narrows it; the other streams keep their place. Positioning surveys the
 * beacons ({@link Survey}) instead of scanning from the start.
 *
 * <p>RESUMABLE and LOAD_BALANCED consumers resume after their group's commits, kept in a sidecar
 * file ({@link CommitStore}); streams without a commit start as {@link StreamReset} says.
 *
 * <p>Thread-safe: {@code lock} guards the assignment and the uncommitted list; {@code positioning}
 * serialises seek and rewind, which stop and restart the reader thread (it is held across that, file
 * reads included, and guards nothing else).
 */
final class FileConsumer implements Consumer {

    private final FileStreamer streamer;
    private final SharedFile file;
    private final List<StreamKey> keys;
    private final Set<String> keyNames;
    private final ConsumerMode mode;
    private final boolean live;
    private final long pollMaxNanos;
    private final MessageQueue queue;
    private final int prefetch;
    private final boolean seekScan;
    private final CommitStore commits;
    private final FileGroup group;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock positioning = new ReentrantLock();
    private final List<FileMessage> unacked = new ArrayList<>();
    private final Set<StreamShard> assigned = new LinkedHashSet<>();
    private ReaderTask reader;
    private volatile boolean closed;

    private FileConsumer(FileStreamer streamer, SharedFile file, List<StreamKey> keys, Set<String> keyNames,
            ConsumerMode mode, boolean live, long pollMaxNanos, int prefetch, boolean seekScan, CommitStore commits,
            FileGroup group) {
        this.streamer = streamer;
        this.file = file;
        this.keys = keys;
        this.keyNames = keyNames;
        this.mode = mode;
        this.live = live;
        this.pollMaxNanos = pollMaxNanos;
        this.queue = new MessageQueue(prefetch);
        this.prefetch = prefetch;
        this.seekScan = seekScan;
        this.commits = commits;
        this.group = group;
    }

    /**
     * Creates a consumer and starts it reading.
     *
     * @throws StreamException as {@link dev.tide.Streamer#consumer}
     */
    static FileConsumer create(FileStreamer streamer, SharedFile file, Collection<StreamKey> keyList,
            ConsumerOptions requested, long pollMaxNanos, boolean commitSync) {
        for (String name : requested.names()) {
            if (name.startsWith("file.") && !FileOptions.CONSUMER_NAMES.contains(name)) {
                throw new StreamException(StreamException.Kind.INVALID_OPTION, "unknown consumer option " + name
                        + "; the file backend's consumer options are " + new java.util.TreeSet<>(FileOptions.CONSUMER_NAMES));
            }
        }
        ConsumerOptions options = requested.checked();
        List<StreamKey> keys = List.copyOf(new LinkedHashSet<>(keyList));
        boolean all = options.get(FileOptions.ALL_STREAMS)
                || keys.stream().anyMatch(k -> k.name().equals(FileOptions.WILDCARD_KEY));
        if (keys.isEmpty() && !all) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY,
                    "a consumer needs at least one stream key (or file.all-streams=true to read every stream)");
        }
        Set<String> keyNames = null;
        if (!all) {
            keyNames = new HashSet<>();
            for (StreamKey k : keys) {
                keyNames.add(k.name());
            }
        }
        boolean live = options.get(FileOptions.LIVE);
        if (!live && options.reset() == StreamReset.LATEST) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION,
                    "file.live=false replays the file to its end: it needs StreamReset.EARLIEST, not LATEST");
        }
        int prefetch = options.get(FileOptions.PREFETCH);
        if (prefetch < 1) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION, "file.prefetch must be positive: " + prefetch);
        }
        boolean seekScan = options.get(FileOptions.SEEK_SCAN);
        ConsumerMode mode = options.mode();
        CommitStore commits = mode == ConsumerMode.REAL_TIME ? null
                : file.commits(options.group().orElseThrow().name(), commitSync);
        if (mode != ConsumerMode.LOAD_BALANCED) {
            FileConsumer c = new FileConsumer(streamer, file, keys, keyNames, mode, live, pollMaxNanos, prefetch,
                    seekScan, commits, null);
            c.startOwn(options.reset());
            return c;
        }
        String groupName = options.group().orElseThrow().name();
        while (true) {
            FileGroup g = file.group(groupName);
            boolean first = false;
            if (g == null) {
                FileGroup created = new FileGroup(file, groupName, keyNames);
                g = file.putGroupIfAbsent(groupName, created);
                if (g == null) {
                    g = created;
                    first = true;
                }
            }
            if (!java.util.Objects.equals(g.keys(), keyNames)) {
                throw new StreamException(StreamException.Kind.INVALID_OPTION, "the members of group " + groupName
                        + " on " + file.path() + " must read the same streams: " + (g.keys() == null ? "all streams"
                        : new java.util.TreeSet<>(g.keys())) + " versus " + (keyNames == null ? "all streams"
                        : new java.util.TreeSet<>(keyNames)));
            }
            FileConsumer c = new FileConsumer(streamer, file, keys, keyNames, mode, live, pollMaxNanos, prefetch,
                    seekScan, commits, g);
            if (!g.join(c)) {
                continue; // the group just lost its last member: make a new one
            }
            if (first) {
                InitialPosition p = c.initial(options.reset());
                g.start(new ReaderTask(file, p.start(), p.gates(), keyNames, live, pollMaxNanos, g));
            }
            return c;
        }
    }

    private record InitialPosition(long start, Gates gates) {
    }

    private void startOwn(StreamReset reset) {
        InitialPosition p = initial(reset);
        reader = new ReaderTask(file, p.start(), p.gates(), keyNames, live, pollMaxNanos, sink(), prefetch).start();
    }

    private ReaderTask.Sink sink() {
        return new ReaderTask.Sink() {
            @Override
            public boolean deliver(FileMessage m) {
                return queue.put(m);
            }

            @Override
            public int deliverAll(FileMessage[] ms, int n) {
                return queue.putAll(ms, n) ? n : 0;
            }

            @Override
            public void finish(StreamException e) {
                queue.finish(e);
            }
        };
    }

    /** Where a new consumer (or group) starts: the reset position, or after the group's commits. */
    private InitialPosition initial(StreamReset reset) {
        return withReader(r -> {
            Survey.Tail tail = Survey.tail(r);
            long resetAt = reset == StreamReset.EARLIEST ? Layout.HEADER_SIZE : tail.appendPoint();
            Gates g = new Gates(new Gates.Gate(resetAt, Gates.OPEN, 0));
            long start = resetAt;
            if (commits != null) {
                for (Map.Entry<StreamShard, CommitStore.Committed> e : commits.snapshot().entrySet()) {
                    StreamShard s = e.getKey();
                    if (!reads(s.key())) {
                        continue;
                    }
                    long next = e.getValue().seq() + 1;
                    long hint = e.getValue().position();
                    long lower = validPosition(r, hint, tail) ? hint
                            : Survey.lowerBound(r, s.key(), s.shard(), true, next, false);
                    g.byStream.put(s, new Gates.Gate(lower, Gates.SEQ, next));
                    start = Math.min(start, lower);
                }
            }
            g.recompute();
            return new InitialPosition(start, g);
        });
    }

    private static boolean validPosition(SsReader r, long p, Survey.Tail tail) throws IOException {
        if (p < Layout.HEADER_SIZE || p > tail.lastEnd()) {
            return false;
        }
        try {
            r.position(p);
            return r.next() != SsReader.Status.TORN;
        } catch (SsFormatException e) {
            return false;
        }
    }

    private interface ReaderWork<T> {
        T apply(SsReader r) throws IOException;
    }

    private <T> T withReader(ReaderWork<T> work) {
        try (FileChannel ch = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            SsReader r = new SsReader(ByteSource.of(ch));
            if (r.readHeader() != SsReader.Status.FRAME) {
                throw new StreamException(StreamException.Kind.FORMAT, file.path() + " has no complete .ss header");
            }
            return work.apply(r);
        } catch (SsFormatException e) {
            throw file.corrupt(e, "cannot position the consumer");
        } catch (IOException e) {
            throw new StreamException(StreamException.Kind.IO, "cannot read " + file.path() + ": " + e, e);
        }
    }

    MessageQueue queue() {
        return queue;
    }

    /** Whether this consumer reads the stream {@code key}. */
    boolean reads(String key) {
        return keyNames == null ? !Layout.INTERNAL_KEY.equals(key) : keyNames.contains(key);
    }

    @Override
    public Message next() {
        return taken(queue.take(-1));
    }

    @Override
    public Optional<Message> poll(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("poll timeout must not be negative: " + timeout);
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        return Optional.ofNullable(queue.take(nanos)).map(this::taken);
    }

    private Message taken(FileMessage m) {
        if (group != null) {
            lock.lock();
            try {
                unacked.add(m);
            } finally {
                lock.unlock();
            }
        }
        return m;
    }

    @Override
    public List<StreamKey> keys() {
        return keys;
    }

    @Override
    public void seek(Instant time) {
        long ms = Math.multiplyExact(time.getEpochSecond(), 1000L) + time.getNano() / 1_000_000;
        if (time.getNano() % 1_000_000 != 0) {
            ms++; // the first whole millisecond at or after the instant
        }
        long target = Math.max(0, ms);
        reposition(Gates.TIME, target);
    }

    @Override
    public void rewind(SeqPos position) {
        switch (position) {
            case SeqPos.Beginning b -> reposition(Gates.OPEN, -1);
            case SeqPos.End e -> reposition(Gates.OPEN, -2);
            case SeqPos.At at -> reposition(Gates.SEQ, at.seq().value());
        }
    }

    /** kind OPEN with target -1: the beginning, -2: the end. */
    private void reposition(int kind, long target) {
        ensureOpen();
        positioning.lock();
        try {
            Set<StreamShard> narrowed;
            lock.lock();
            try {
                narrowed = new LinkedHashSet<>(assigned);
            } finally {
                lock.unlock();
            }
            if (group != null) {
                group.reposition(current -> newReader(kind, target, narrowed, current, null));
                return;
            }
            queue.refusePuts(true);
            reader.stop();
            long current = reader.resumePosition();
            for (FileMessage m : queue.drain()) {
                current = Math.min(current, m.position());
            }
            queue.refusePuts(false);
            reader = newReader(kind, target, narrowed, current, reader.gates()).start();
        } finally {
            positioning.unlock();
        }
    }

    private ReaderTask newReader(int kind, long target, Set<StreamShard> narrowed, long current, Gates old) {
        return withReader(r -> {
            Survey.Tail tail = Survey.tail(r);
            Gates g;
            long start;
            if (narrowed.isEmpty() || old == null) {
                if (narrowed.isEmpty()) {
                    Gates.Gate wide = gate(r, tail, kind, target, null, null, seekScan);
                    g = new Gates(keyNames == null ? wide : new Gates.Gate(current, Gates.OPEN, 0));
                    start = keyNames == null ? wide.minPosition : Long.MAX_VALUE;
                    if (keyNames != null) {
                        for (String k : keyNames) {
                            Gates.Gate kg = gate(r, tail, kind, target, k, null, seekScan);
                            g.byKey.put(k, kg);
                            start = Math.min(start, kg.minPosition);
                        }
                    }
                } else {
                    g = new Gates(new Gates.Gate(current, Gates.OPEN, 0));
                    start = current;
                    for (StreamShard s : narrowed) {
                        Gates.Gate sg = gate(r, tail, kind, target, s.key(), s.shard(), seekScan);
                        g.byStream.put(s, sg);
                        start = Math.min(start, sg.minPosition);
                    }
                }
            } else {
                g = old;
                g.raiseAll(current);
                start = current;
                for (StreamShard s : narrowed) {
                    Gates.Gate sg = gate(r, tail, kind, target, s.key(), s.shard(), seekScan);
                    g.byStream.put(s, sg);
                    start = Math.min(start, sg.minPosition);
                }
            }
            g.recompute();
            return group != null ? new ReaderTask(file, start, g, keyNames, live, pollMaxNanos, group)
                    : new ReaderTask(file, start, g, keyNames, live, pollMaxNanos, sink(), prefetch);
        });
    }

    private Gates.Gate gate(SsReader r, Survey.Tail tail, int kind, long target, String key, Long shard,
            boolean seekScan) throws IOException {
        if (kind == Gates.OPEN) {
            return new Gates.Gate(target == -1 ? Layout.HEADER_SIZE : tail.appendPoint(), Gates.OPEN, 0);
        }
        long lower = key == null ? Layout.HEADER_SIZE
                : Survey.lowerBound(r, file.catalog(), key, shard, kind == Gates.SEQ, target, seekScan);
        return new Gates.Gate(lower, kind, target);
    }

    @Override
    public void assign(StreamKey key, ShardId shard) {
        ensureOpen();
        if (!reads(key.name())) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND, "this consumer does not read " + key);
        }
        lock.lock();
        try {
            assigned.add(new StreamShard(key.name(), shard.id()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void unassign(StreamKey key, ShardId shard) {
        ensureOpen();
        StreamShard s = new StreamShard(key.name(), shard.id());
        lock.lock();
        try {
            if (!assigned.contains(s)) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND, key + " shard " + shard
                        + " is not assigned to this consumer");
            }
            if (assigned.size() == 1) {
                throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY, "cannot unassign " + key + " shard "
                        + shard + ": it is the last assigned stream");
            }
            assigned.remove(s);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void commit(Message message) {
        ensureOpen();
        if (commits == null) {
            throw new StreamException(StreamException.Kind.COMMIT_NOT_ALLOWED,
                    "a REAL_TIME consumer keeps no commits; use RESUMABLE or LOAD_BALANCED");
        }
        String key = message.key().name();
        if (!reads(key)) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_NOT_FOUND, "this consumer does not read "
                    + message.key());
        }
        long seq = message.seq().value();
        long shard = message.shard().id();
        long position = message instanceof FileMessage fm ? fm.end() : -1;
        commits.commit(new StreamShard(key, shard), seq, position);
        if (group != null) {
            lock.lock();
            try {
                unacked.removeIf(u -> u.header().key().name().equals(key) && u.header().shard().id() == shard
                        && Long.compareUnsigned(u.header().seq().value(), seq) <= 0);
            } finally {
                lock.unlock();
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StreamException(StreamException.Kind.CLOSED, "the consumer is closed");
        }
    }

    @Override
    public void close() {
        close(new StreamException(StreamException.Kind.CLOSED, "the consumer is closed"));
    }

    void close(StreamException reason) {
        if (closed) {
            return;
        }
        closed = true;
        positioning.lock();
        try {
            if (group != null) {
                List<FileMessage> leftovers;
                lock.lock();
                try {
                    leftovers = new ArrayList<>(unacked);
                    unacked.clear();
                } finally {
                    lock.unlock();
                }
                leftovers.addAll(queue.drain());
                queue.close(reason);
                group.leave(this, leftovers);
            } else {
                queue.close(reason);
                reader.stop();
            }
        } finally {
            positioning.unlock();
        }
        streamer.forget(this);
    }
}
