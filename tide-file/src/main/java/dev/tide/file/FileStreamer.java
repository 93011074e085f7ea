package dev.tide.file;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection to one {@code .ss} file. Producers of all connections to the file in this process share
 * its one writer; consumers read it with their own (or their group's) reader thread. Closing flushes
 * and releases the producers (the last one closes the writer, with the end-of-stream frame when
 * {@code file.end-with-eos} is set) and closes the consumers. Thread-safe; {@code lock} guards the lists.
 */
final class FileStreamer implements Streamer {

    private final StreamUrl url;
    private final SharedFile file;
    private final Clock clock;
    private final long limit;
    private final boolean endWithEos;
    private final long pollMaxNanos;
    private final boolean commitSync;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<FileProducer> producers = new ArrayList<>();
    private final List<FileConsumer> consumers = new ArrayList<>();
    private boolean wrote;
    private boolean closed;

    FileStreamer(StreamUrl url, SharedFile file, ConnectOptions options) {
        this.url = url;
        this.file = file;
        this.clock = options.get(FileOptions.CLOCK);
        this.limit = options.get(FileOptions.SIZE_LIMIT);
        this.endWithEos = options.get(FileOptions.END_WITH_EOS);
        this.pollMaxNanos = options.get(FileOptions.POLL_MAX).toNanos();
        this.commitSync = options.get(FileOptions.COMMIT_SYNC);
    }

    @Override
    public StreamUrl url() {
        return url;
    }

    @Override
    public Producer producer(ProducerOptions options) {
        return producer(Optional.empty(), options);
    }

    @Override
    public Producer producer(StreamKey key, ProducerOptions options) {
        if (key.isInternal()) {
            throw new StreamException(StreamException.Kind.INVALID_STREAM_KEY,
                    "the stream key " + StreamKey.INTERNAL + " is reserved for the file's own markers");
        }
        return producer(Optional.of(key), options);
    }

    private Producer producer(Optional<StreamKey> anchor, ProducerOptions options) {
        for (String name : options.names()) {
            if (name.startsWith("file.")) {
                throw new StreamException(StreamException.Kind.INVALID_OPTION, "unknown producer option " + name
                        + "; the file backend's producers take no options");
            }
        }
        ensureOpen();
        FileWriter writer = file.acquireWriter(clock, limit);
        FileProducer p = new FileProducer(this, writer, anchor);
        lock.lock();
        try {
            if (closed) {
                file.releaseWriter(false);
                throw closedException();
            }
            producers.add(p);
            wrote = true;
        } finally {
            lock.unlock();
        }
        return p;
    }

    @Override
    public Consumer consumer(Collection<StreamKey> keys, ConsumerOptions options) {
        ensureOpen();
        FileConsumer c = FileConsumer.create(this, file, keys, options, pollMaxNanos, commitSync);
        lock.lock();
        try {
            if (!closed) {
                consumers.add(c);
                return c;
            }
        } finally {
            lock.unlock();
        }
        c.close();
        throw closedException();
    }

    /** A producer or consumer has closed. */
    void forget(Object closedOne) {
        boolean releaseWriter = false;
        lock.lock();
        try {
            if (closedOne instanceof FileProducer p) {
                releaseWriter = producers.remove(p);
            } else {
                consumers.remove(closedOne);
            }
        } finally {
            lock.unlock();
        }
        if (releaseWriter) {
            file.releaseWriter(false);
        }
    }

    private void ensureOpen() {
        lock.lock();
        try {
            if (closed) {
                throw closedException();
            }
        } finally {
            lock.unlock();
        }
    }

    private StreamException closedException() {
        return new StreamException(StreamException.Kind.CLOSED, "the streamer of " + file.path() + " is closed");
    }

    @Override
    public void close() {
        List<FileProducer> ps;
        List<FileConsumer> cs;
        boolean eos;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            ps = new ArrayList<>(producers);
            cs = new ArrayList<>(consumers);
            eos = endWithEos && wrote;
        } finally {
            lock.unlock();
        }
        if (eos) {
            // keep one writer reference until the end-of-stream frame is written
            file.acquireWriter(clock, limit);
        }
        for (FileProducer p : ps) {
            p.close();
        }
        for (FileConsumer c : cs) {
            c.close(new StreamException(StreamException.Kind.CLOSED, "the streamer of " + file.path() + " is closed"));
        }
        if (eos) {
            file.releaseWriter(true);
        }
        file.release();
    }

    @Override
    public String toString() {
        return "FileStreamer[" + file.path() + "]";
    }
}
