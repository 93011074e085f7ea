package dev.tide.file;

import dev.tide.StreamException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One {@code .ss} file as this process uses it, shared by every {@link FileStreamer} connected to it:
 * the one {@link FileWriter} (while some producer is open), the readers' {@link FileSignal}, the
 * load-balanced groups and the commit stores. Found through a process-wide registry by real path;
 * released when the last streamer closes. Thread-safe; {@link #LOCK} guards the registry and
 * {@link #lock} this file's maps and counts (never held during I/O: opening a writer happens outside).
 */
final class SharedFile {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<Path, SharedFile> OPEN = new HashMap<>();

    private final Path path;
    private final FileHeader header;
    private final FileSignal signal = new FileSignal();
    private final ShardCatalog catalog = new ShardCatalog();
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock writerOpen = new ReentrantLock();
    private final Map<String, FileGroup> groups = new HashMap<>();
    private final Map<String, CommitStore> commits = new HashMap<>();
    private int streamers;
    private FileWriter writer;
    private int writers;
    /** The writer that lost its last user and is closing: a new one waits for it. */
    private FileWriter retiring;

    private SharedFile(Path path, FileHeader header) {
        this.path = path;
        this.header = header;
    }

    /** The shared state of a file, counting one more streamer. */
    static SharedFile acquire(Path realPath, FileHeader header) {
        LOCK.lock();
        try {
            SharedFile f = OPEN.computeIfAbsent(realPath, p -> new SharedFile(p, header));
            f.streamers++;
            return f;
        } finally {
            LOCK.unlock();
        }
    }

    /** One streamer fewer; the last one drops the file from the registry. */
    void release() {
        LOCK.lock();
        try {
            if (--streamers == 0) {
                OPEN.remove(path);
            }
        } finally {
            LOCK.unlock();
        }
    }

    Path path() {
        return path;
    }

    FileHeader header() {
        return header;
    }

    FileSignal signal() {
        return signal;
    }

    /** The shards the file's beacons list, surveyed once while the file is open in this process. */
    ShardCatalog catalog() {
        return catalog;
    }

    /** The shared state of a file that a streamer of this process has open, or null (for tests). */
    static SharedFile opened(Path realPath) {
        LOCK.lock();
        try {
            return OPEN.get(realPath);
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * The file's writer, opened if this is its first user; pair with {@link #releaseWriter}. A writer
     * still closing is waited for first, so two writers never write the file at once.
     *
     * @throws StreamException if the writer cannot be opened
     */
    FileWriter acquireWriter(Clock clock, long limit) {
        while (true) {
            FileWriter old;
            lock.lock();
            try {
                if (writer != null) {
                    writers++;
                    return writer;
                }
                old = retiring;
            } finally {
                lock.unlock();
            }
            if (old != null) {
                old.awaitClosed();
                lock.lock();
                try {
                    if (retiring == old) {
                        retiring = null;
                    }
                } finally {
                    lock.unlock();
                }
                continue;
            }
            writerOpen.lock(); // serialises opening writers (file I/O), nothing else
            try {
                lock.lock();
                try {
                    if (writer != null || retiring != null) {
                        continue;
                    }
                } finally {
                    lock.unlock();
                }
                FileWriter w = new FileWriter(this, clock, limit);
                lock.lock();
                try {
                    writer = w;
                    writers = 1;
                } finally {
                    lock.unlock();
                }
                return w;
            } finally {
                writerOpen.unlock();
            }
        }
    }

    /**
     * One user of the writer fewer: the last one flushes and closes it, with the end-of-stream frame
     * first when {@code eos}. No lock is held while the writer closes, so a receipt callback (on the
     * writer's thread) may close producers and streamers too.
     */
    void releaseWriter(boolean eos) {
        FileWriter w;
        lock.lock();
        try {
            if (--writers > 0) {
                return;
            }
            w = writer;
            writer = null;
            retiring = w;
        } finally {
            lock.unlock();
        }
        if (eos) {
            w.writeEos();
        }
        w.close();
        lock.lock();
        try {
            if (retiring == w) {
                retiring = null;
            }
        } finally {
            lock.unlock();
        }
        signal.bump();
    }

    /** The commit store of a group (created on first use). */
    CommitStore commits(String group, boolean sync) {
        lock.lock();
        try {
            return commits.computeIfAbsent(group, g -> new CommitStore(path, g, sync));
        } finally {
            lock.unlock();
        }
    }

    /** The in-process load-balanced group of that name, if it has members. */
    FileGroup group(String name) {
        lock.lock();
        try {
            return groups.get(name);
        } finally {
            lock.unlock();
        }
    }

    /** Registers a group (its first member is joining). */
    FileGroup putGroupIfAbsent(String name, FileGroup group) {
        lock.lock();
        try {
            return groups.putIfAbsent(name, group);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a group that lost its last member. */
    void removeGroup(String name, FileGroup group) {
        lock.lock();
        try {
            groups.remove(name, group);
        } finally {
            lock.unlock();
        }
    }

    /** A FORMAT exception for damaged bytes of this file. */
    StreamException corrupt(SsFormatException e, String doing) {
        return new StreamException(StreamException.Kind.FORMAT, doing + ": " + path + " is damaged at byte offset "
                + e.offset() + ": " + e.problem() + " (tide verify --file " + path + " tells more)", e);
    }
}
