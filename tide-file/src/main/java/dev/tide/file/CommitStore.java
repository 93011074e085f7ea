package dev.tide.file;

import dev.tide.StreamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The committed positions of one consumer group on one file, kept in a sidecar file next to it:
 * {@code <file>.<group>.commits} (characters of the group name outside {@code [A-Za-z0-9._-]} are
 * written as {@code %XX} of their UTF-8 bytes). The format is text:
 * <pre>
 * # tide file commits v1
 * &lt;stream key&gt; &lt;shard&gt; &lt;last committed seq&gt; &lt;position after that frame&gt;
 * </pre>
 * one line per stream and shard, unsigned decimals. It is replaced atomically on every commit (written
 * to {@code .tmp}, forced to disk unless {@code file.commit-sync=false}, renamed over the old one), so
 * a crash leaves the old or the new content, never a mix. The position is a hint: a resuming consumer
 * checks it and otherwise finds the seq through the beacons.
 *
 * <p>Thread-safe: {@code lock} guards the map; {@code ioLock} serialises the file writes (and only
 * them). One process per group and file: two processes committing the same group overwrite each
 * other's file.
 */
final class CommitStore {

    /** A committed position. */
    record Committed(long seq, long position) {
    }

    private static final String HEADER = "# tide file commits v1";

    private final Path target;
    private final Path tmp;
    private final boolean sync;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock ioLock = new ReentrantLock();
    private final Map<StreamShard, Committed> committed = new HashMap<>();
    private long version;
    private long written;
    private boolean loaded;

    CommitStore(Path file, String group, boolean sync) {
        String name = file.getFileName() + "." + escape(group) + ".commits";
        this.target = file.resolveSibling(name);
        this.tmp = file.resolveSibling(name + ".tmp");
        this.sync = sync;
    }

    static String escape(String group) {
        StringBuilder sb = new StringBuilder();
        for (byte b : group.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c < 0x80 && Layout.isKeyByte(c)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }

    Path path() {
        return target;
    }

    /**
     * The committed positions, read from the sidecar file the first time.
     *
     * @throws StreamException {@link StreamException.Kind#IO} or {@link StreamException.Kind#FORMAT}
     *     if the sidecar file cannot be read
     */
    Map<StreamShard, Committed> snapshot() {
        load();
        lock.lock();
        try {
            return new HashMap<>(committed);
        } finally {
            lock.unlock();
        }
    }

    private void load() {
        ioLock.lock();
        try {
            if (loaded) {
                return;
            }
            Map<StreamShard, Committed> read = new HashMap<>();
            try {
                int n = 0;
                for (String line : Files.readAllLines(target, StandardCharsets.UTF_8)) {
                    n++;
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    String[] f = line.strip().split(" ");
                    if (f.length != 4 || !dev.tide.StreamKey.isValid(f[0])) {
                        throw new StreamException(StreamException.Kind.FORMAT, target + " line " + n
                                + ": expected <stream key> <shard> <seq> <position>, found \"" + line + "\"");
                    }
                    try {
                        read.put(new StreamShard(f[0], Long.parseUnsignedLong(f[1])),
                                new Committed(Long.parseUnsignedLong(f[2]), Long.parseLong(f[3])));
                    } catch (NumberFormatException e) {
                        throw new StreamException(StreamException.Kind.FORMAT, target + " line " + n
                                + ": not a number in \"" + line + "\"", e);
                    }
                }
            } catch (NoSuchFileException e) {
                // nothing committed yet
            } catch (IOException e) {
                throw new StreamException(StreamException.Kind.IO, "cannot read " + target + ": " + e, e);
            }
            lock.lock();
            try {
                read.forEach(committed::putIfAbsent);
            } finally {
                lock.unlock();
            }
            loaded = true;
        } finally {
            ioLock.unlock();
        }
    }

    /**
     * Records that {@code seq} (and everything before it) of a stream is processed; keeps the larger of
     * this and an earlier commit. Blocks until the sidecar file is replaced.
     *
     * @throws StreamException {@link StreamException.Kind#IO} if it cannot be written
     */
    void commit(StreamShard stream, long seq, long position) {
        load();
        long mine;
        lock.lock();
        try {
            Committed old = committed.get(stream);
            if (old != null && Long.compareUnsigned(old.seq(), seq) >= 0) {
                if (written >= version) {
                    return;
                }
            } else {
                committed.put(stream, new Committed(seq, position));
                version++;
            }
            mine = version;
        } finally {
            lock.unlock();
        }
        ioLock.lock();
        try {
            if (written >= mine) {
                return; // a later write already carried this commit
            }
            String text;
            long v;
            lock.lock();
            try {
                StringBuilder sb = new StringBuilder(HEADER).append('\n');
                Map<StreamShard, Committed> sorted = new TreeMap<>(committed);
                sorted.forEach((s, c) -> sb.append(s.key()).append(' ').append(Long.toUnsignedString(s.shard()))
                        .append(' ').append(Long.toUnsignedString(c.seq())).append(' ').append(c.position()).append('\n'));
                text = sb.toString();
                v = version;
            } finally {
                lock.unlock();
            }
            writeAtomically(text.getBytes(StandardCharsets.UTF_8));
            written = v;
        } finally {
            ioLock.unlock();
        }
    }

    private void writeAtomically(byte[] bytes) {
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bb = ByteBuffer.wrap(bytes);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
                if (sync) {
                    ch.force(true);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StreamException(StreamException.Kind.IO, "cannot write the commits of " + target + ": " + e, e);
        }
    }
}
