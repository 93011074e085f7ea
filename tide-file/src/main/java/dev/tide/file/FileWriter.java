package dev.tide.file;

import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one writer of a file in this process: one writing session, shared by every producer.
 *
 * <p>Design: double buffering. A sending thread takes {@link #lock} once, gives the message its
 * sequence number (a primitive counter in the stream's {@link Stream} handle, which producers keep)
 * and timestamp, encodes its frame (with any beacon; the payload CRC is computed before taking the
 * lock) straight into the {@link #filling} batch and records its receipt future, which carries the
 * seq and timestamp; the send order is the order in which senders take the lock, so the file's order
 * is the send order. The writer thread takes the filling batch, puts an empty one in its place, and
 * outside the lock writes the taken batch to the file with one positional write, then completes that
 * batch's receipts in one pass — outside every lock, so a receipt callback may send, flush or close.
 * While it writes, senders fill the other batch. A sender that finds the filling batch full
 * ({@link #BATCH_BYTES}) while the writer still holds the other waits (backpressure; nothing is
 * dropped). When to take the batch: at once after a quiet spell (a sender wakes the idle writer for
 * the first frame); while senders stream, after lingering ({@link #linger}), so that no sender pays
 * for waking it; at once for a flush, a close or a sender waiting for room.
 *
 * <p>The payload CRC stays on the sending thread, where the payload is still in the sender's cache:
 * computing the CRCs (and beacons' running checksums) of a whole batch on the writer thread was tried and
 * measured slower on two cores (3M × 100 B: 2.6M msg/s against 3.7M), as the writer reads the batch from
 * another core's cache and both threads compete for the same two cores anyway.
 *
 * <p>The writer thread itself never waits for the writer: a {@link #flush()}, {@link #close()} or a
 * backpressured send made by a receipt callback writes the filling batch inline instead (its receipts
 * complete as soon as the callback returns, on the same thread).
 *
 * <p>The append point: where the last complete frame ends (a trailing end-of-stream frame is
 * overwritten; a torn tail left by a crash is cut off). The file is truncated there at the first
 * write, so no stale bytes follow new frames. Sequence numbers continue each stream's last one
 * ({@link SeqRecovery}, looked up on a stream's first send under {@link #recoveryLock}, which exists
 * only to serialise that file reading).
 *
 * <p>Failures: a frame that would take the file past the size limit fails its send with
 * {@link StreamException.Kind#IO} and nothing of it is written (the writer carries on). A failed write
 * breaks the writer for good: the file is cut back to the end of the last good batch (no partial
 * frame), that batch's receipts and those of every frame encoded after it fail with the error, and
 * every later send and flush fails with it; nothing is ever written at a stale offset. Receipts
 * complete once the bytes are handed to the operating system (they survive a crash of this process);
 * the file is forced to disk when the writer closes.
 *
 * <p>Locks: {@link #lock} guards the encoder, the filling batch, the stream handles' counters and the
 * flags; no I/O and no callbacks run under it. {@link #recoveryLock} serialises the backward scans of
 * {@link SeqRecovery}. The file position of the next write, the batch being written and the batches
 * written inline belong to the writer thread alone.
 */
final class FileWriter {

    /**
     * A batch is full at this many bytes (a single larger frame still goes in whole): a sender that finds
     * the filling batch full while the writer thread still writes the other waits.
     */
    static final int BATCH_BYTES = 4 << 20;
    /** A batch at least this large means senders are streaming: the writer lingers for the next. */
    static final int STREAMING_BYTES = 16 << 10;
    /**
     * A batch of at least this many frames also means senders are streaming: small frames sent while the
     * writer wrote the last batch. Without it, a writer that takes each batch at once keeps batches small
     * and itself busy with one write per few dozen frames (measured: some runs at half the throughput).
     * A chain of sends from receipt callbacks makes batches of one frame, written at once.
     */
    static final int STREAMING_FRAMES = 16;
    /** How long the writer lingers, while senders stream, before it takes the next batch. */
    static final long LINGER_NANOS = 1_000_000L;

    /** The size of the writer's direct staging buffer (a batch is written in slices of at most this). */
    static final int STAGING_BYTES = 1 << 20;

    /** Opens the channel the writer writes through (a seam for tests that make writes fail). */
    interface Opener {
        FileChannel open(Path path) throws IOException;
    }

    /**
     * A stream and shard as this writer numbers it. Producers keep the handle, so a send looks nothing
     * up; the counter is guarded by the writer's lock.
     */
    static final class Stream {
        final StreamKey key;
        final ShardId shard;
        final SsEncoder.State state;
        long lastSeq;
        boolean known;

        Stream(StreamKey key, ShardId shard, SsEncoder.State state) {
            this.key = key;
            this.shard = shard;
            this.state = state;
        }
    }

    /**
     * A send's receipt future, carrying what its receipt will say; the writer thread builds the receipt
     * when it completes the future, so a send allocates one object for it.
     */
    private static final class Pending extends CompletableFuture<Receipt> {
        final Stream stream;
        final long seq;
        final long ts;

        Pending(Stream stream, long seq, long ts) {
            this.stream = stream;
            this.seq = seq;
            this.ts = ts;
        }
    }

    /** Encoded frames and the receipts they complete. */
    private static final class Batch {
        final Bytes bytes = new Bytes(256 << 10);
        Pending[] pending = new Pending[1024];
        int count;
        long start;

        boolean isEmpty() {
            return bytes.length() == 0;
        }

        void add(Pending p) {
            if (count == pending.length) {
                pending = Arrays.copyOf(pending, count * 2);
            }
            pending[count++] = p;
        }

        void reset() {
            Arrays.fill(pending, 0, count, null);
            count = 0;
            bytes.clear();
        }
    }

    private final SharedFile file;
    private final FileChannel channel;
    private final Clock clock;
    private final long limit;
    private final long appendPoint;
    private final SeqRecovery recovery;

    private final ReentrantLock recoveryLock = new ReentrantLock();
    private final ReentrantLock lock = new ReentrantLock();
    /** The writer thread waits here for work. */
    private final Condition work = lock.newCondition();
    /** Senders wait here for room; flushers and closers for receipts and the end. */
    private final Condition progress = lock.newCondition();
    private final ConcurrentHashMap<StreamShard, Stream> streams = new ConcurrentHashMap<>();

    // guarded by lock
    private final SsEncoder encoder;
    private Batch filling = new Batch();
    private Batch spare = new Batch();
    /** The writer thread waits on {@link #work}: for any frame, or (lingering) for a batch worth writing. */
    private boolean writerIdle;
    private boolean lingering;
    /** A flush wants the filling batch written now, not after lingering. */
    private boolean urgent;
    private boolean closing;
    private boolean channelClosed;
    private boolean fileClosed;
    private boolean threadDone;
    /** Set once, by the writer thread, under the lock; read without it where a late look is harmless. */
    private volatile StreamException broken;
    /** Where the bytes end whose receipts are all settled: what {@link #flush()} waits for. */
    private long settled;

    // the writer thread's own
    private long written;
    private boolean truncated;
    /**
     * The writer thread's one direct buffer that batches are copied into for {@code write}. Written from a
     * heap array, the channel would copy into a temporary direct buffer of the batch's own size, cached
     * per thread only while sizes repeat: batches of varying sizes made it allocate and free megabytes
     * of native memory per write (a page fault per 4 KiB touched), which tripled the time spent writing.
     */
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES);
    private final ArrayDeque<Batch> inline = new ArrayDeque<>();

    private final Thread thread;

    /**
     * Opens the writing session: finds the append point.
     *
     * @throws StreamException {@link StreamException.Kind#FORMAT} if the end of the file is damaged,
     *     {@link StreamException.Kind#IO} if it cannot be opened for writing
     */
    FileWriter(SharedFile file, Clock clock, long limit) {
        this(file, clock, limit, p -> FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    FileWriter(SharedFile file, Clock clock, long limit, Opener opener) {
        this.file = file;
        this.clock = clock;
        this.limit = limit;
        try {
            channel = opener.open(file.path());
        } catch (IOException e) {
            throw new StreamException(StreamException.Kind.IO, "cannot open " + file.path() + " for writing: " + e, e);
        }
        try {
            SsReader reader = new SsReader(ByteSource.of(channel));
            if (reader.readHeader() != SsReader.Status.FRAME) {
                throw new StreamException(StreamException.Kind.FORMAT, file.path() + " has no complete .ss header");
            }
            Survey.Tail tail = Survey.tail(reader);
            appendPoint = tail.appendPoint();
            recovery = new SeqRecovery(reader, appendPoint);
            encoder = new SsEncoder(reader.interval(), appendPoint);
        } catch (SsFormatException e) {
            closeQuietly();
            throw file.corrupt(e, "cannot append");
        } catch (IOException e) {
            closeQuietly();
            throw new StreamException(StreamException.Kind.IO, "cannot read " + file.path() + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        written = appendPoint;
        settled = appendPoint;
        filling.start = appendPoint;
        encoder.begin(filling.bytes);
        thread = FileThreads.start(this::run);
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    /** The handle of a stream and shard, for {@link #send}; producers keep it. Thread-safe. */
    Stream stream(StreamKey key, ShardId shard) {
        StreamShard id = new StreamShard(key.name(), shard.id());
        Stream s = streams.get(id);
        if (s != null) {
            return s;
        }
        lock.lock();
        try {
            return streams.computeIfAbsent(id, k -> new Stream(key, shard, encoder.state(k)));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends one message. Blocks only for backpressure or a stream's first sequence-number lookup.
     *
     * @return the receipt future; failed with {@code IO} at the size limit or after a write error
     * @throws StreamException {@link StreamException.Kind#CLOSED} once the writer is closing
     */
    CompletableFuture<Receipt> send(Stream stream, byte[] payload) {
        int len = payload.length;
        int checksum = Crc16.of(payload, 0, len); // outside the lock: it depends on nothing else
        lock.lock();
        try {
            while (true) {
                if (broken != null) {
                    return CompletableFuture.failedFuture(broken);
                }
                if (closing) {
                    throw new StreamException(StreamException.Kind.CLOSED, "the writer of " + file.path() + " is closed");
                }
                if (!stream.known) {
                    lock.unlock();
                    try {
                        recover(stream);
                    } catch (StreamException e) {
                        return CompletableFuture.failedFuture(e);
                    } finally {
                        lock.lock();
                    }
                    continue;
                }
                if (filling.bytes.length() < BATCH_BYTES) {
                    break;
                }
                if (Thread.currentThread() == thread) {
                    lock.unlock(); // a receipt callback: the writer thread cannot wait for itself
                    try {
                        writeInline();
                    } finally {
                        lock.lock();
                    }
                } else {
                    urgent = true;
                    wakeWriter();
                    progress.awaitUninterruptibly();
                }
            }
            long size = encoder.sizeOf(stream.state, len);
            if (encoder.offset() + size > limit) {
                return CompletableFuture.failedFuture(new StreamException(StreamException.Kind.IO, "file size limit of "
                        + limit + " bytes reached: " + file.path() + " is " + encoder.offset() + " bytes and the frame of "
                        + stream.key + " needs " + size + " more; nothing was written"));
            }
            long seq = stream.lastSeq + 1;
            long ts = clock.millis();
            encoder.append(filling.bytes, stream.state, seq, ts, payload, 0, len, checksum);
            stream.lastSeq = seq;
            Pending future = new Pending(stream, seq, ts);
            filling.add(future);
            if (writerIdle && !lingering) {
                wakeWriter(); // the first frame after a quiet spell: write it at once
            }
            return future;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: wakes the writer thread if it waits for work. */
    private void wakeWriter() {
        if (writerIdle) {
            writerIdle = false;
            if (lingering) {
                LockSupport.unpark(thread);
            } else {
                work.signal();
            }
        }
    }

    private void recover(Stream stream) {
        recoveryLock.lock();
        try {
            lock.lock();
            try {
                if (stream.known) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            OptionalLong last = recovery.lastSeq(stream.state.stream);
            lock.lock();
            try {
                if (!stream.known) {
                    stream.lastSeq = last.orElse(0);
                    stream.known = true;
                }
            } finally {
                lock.unlock();
            }
        } catch (SsFormatException e) {
            throw file.corrupt(e, "cannot find the last sequence number of " + stream.state.stream);
        } catch (IOException e) {
            throw new StreamException(StreamException.Kind.IO, "cannot read " + file.path() + ": " + e, e);
        } finally {
            recoveryLock.unlock();
        }
    }

    /** Writes the end-of-stream frame (no receipt). */
    void writeEos() {
        lock.lock();
        try {
            if (broken != null || closing) {
                return;
            }
            StreamShard internal = new StreamShard(Layout.INTERNAL_KEY, 0);
            long size = encoder.sizeOf(internal, Layout.EOS_PAYLOAD.length);
            if (encoder.offset() + size > limit) {
                return;
            }
            encoder.append(filling.bytes, internal, 0, clock.millis(), Layout.EOS_PAYLOAD, 0, Layout.EOS_PAYLOAD.length);
            wakeWriter();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until everything sent before the call is written and its receipts are complete (or the
     * writer broke). Called by a receipt callback, which runs on the writer's own thread, it writes
     * everything sent before it and returns; those receipts complete right after the callback.
     *
     * @throws StreamException {@link StreamException.Kind#IO} if a write failed
     */
    void flush() {
        if (Thread.currentThread() == thread) {
            writeInline();
            lock.lock();
            try {
                if (broken != null) {
                    throw broken;
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        lock.lock();
        try {
            long target = encoder.offset();
            while (settled < target && !threadDone) {
                urgent = true;
                wakeWriter();
                progress.awaitUninterruptibly();
            }
            if (broken != null) {
                throw broken;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes what is buffered, stops the writer thread, forces the file to disk and closes it. From a
     * receipt callback (the writer's own thread) it does all that but stopping the thread, which ends
     * once the callback returns and the remaining receipts are complete.
     */
    void close() {
        lock.lock();
        try {
            closing = true;
            wakeWriter();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() == thread) {
            writeInline();
            closeChannel();
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the data must be written before the file is released
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        closeChannel();
    }

    /**
     * Blocks until a writer that is closing has closed its file, so that another may open it. On the
     * writer's own thread (a receipt callback) it closes the file itself.
     */
    void awaitClosed() {
        if (Thread.currentThread() == thread) {
            close();
            return;
        }
        lock.lock();
        try {
            while (!fileClosed) {
                progress.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forces and closes the channel once; no write follows. */
    private void closeChannel() {
        boolean intact;
        lock.lock();
        try {
            if (channelClosed) {
                return;
            }
            channelClosed = true;
            intact = broken == null;
        } finally {
            lock.unlock();
        }
        try {
            if (channel.isOpen() && intact) {
                channel.force(true);
            }
        } catch (IOException e) {
            // the data is written; a failed force is reported nowhere else
        }
        closeQuietly();
        lock.lock();
        try {
            fileClosed = true;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        lock.lock();
        try {
            long lastBatch = 0;
            int lastFrames = 0;
            while (true) {
                while (filling.isEmpty() && !closing) {
                    writerIdle = true;
                    lastBatch = 0; // a quiet spell: the next frame is written at once
                    lastFrames = 0;
                    work.awaitUninterruptibly();
                }
                if (filling.isEmpty()) {
                    return;
                }
                if (lastBatch >= STREAMING_BYTES || lastFrames >= STREAMING_FRAMES) {
                    linger();
                }
                writerIdle = false;
                urgent = false;
                Batch batch = take();
                lastBatch = batch.bytes.length();
                lastFrames = batch.count;
                lock.unlock();
                try {
                    write(batch);
                    complete(batch);
                    while (!inline.isEmpty()) {
                        Batch b = inline.pollFirst();
                        complete(b);
                        lockBriefly();
                        try {
                            recycle(b);
                        } finally {
                            lock.unlock();
                        }
                    }
                } finally {
                    lockBriefly();
                }
                recycle(batch);
                if (broken != null && !filling.isEmpty()) {
                    Batch rest = take(); // encoded before the failure was known: never to be written
                    lock.unlock();
                    try {
                        complete(rest);
                    } finally {
                        lockBriefly();
                    }
                    recycle(rest);
                }
            }
        } finally {
            threadDone = true;
            progress.signalAll();
            lock.unlock();
        }
    }

    /**
     * Under the lock, while senders stream: lets the filling batch grow for {@link #LINGER_NANOS} before
     * taking it, so that the writer thread writes large batches and, above all, senders never pay for
     * waking it: a streaming sender only adds to the batch, and the timer wakes the writer. Waking a
     * parked thread costs the waker up to a hundred microseconds on a virtual machine, hundreds of
     * sends' worth. A flush, a close or a sender waiting for room end the linger at once. A lone send
     * right after a stream waits at most the linger for its receipt; a send after a quiet spell (the
     * last batch was small and had few frames) is written at once.
     */
    private void linger() {
        lingering = true;
        writerIdle = true;
        long deadline = System.nanoTime() + LINGER_NANOS;
        while (!urgent && !closing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            // parked without the lock, not in a condition wait: when the time is up, a condition wait
            // would queue for the lock behind a sender and cost that sender a wake-up; this spins for it
            lock.unlock();
            LockSupport.parkNanos(this, left);
            lockBriefly();
        }
        lingering = false;
        writerIdle = false;
    }

    /**
     * The writer thread takes the lock: senders hold it for a fraction of a microsecond at a time, so it
     * spins a little before parking. Parking would make the sender's next unlock wake it, which costs
     * the sender more than the whole send.
     */
    private void lockBriefly() {
        for (int i = 0; i < 256; i++) {
            if (lock.tryLock()) {
                return;
            }
            Thread.onSpinWait();
        }
        lock.lock();
    }

    /** Under the lock: takes the filling batch for writing and puts an empty one in its place. */
    private Batch take() {
        Batch batch = filling;
        Batch next = spare != null ? spare : new Batch();
        spare = null;
        next.start = encoder.offset();
        filling = next;
        progress.signalAll(); // room for waiting senders
        return batch;
    }

    /** On the writer thread, from a receipt callback: writes the filling batch now, settles it later. */
    private void writeInline() {
        Batch batch;
        lock.lock();
        try {
            if (filling.isEmpty() || channelClosed) {
                return;
            }
            batch = take();
        } finally {
            lock.unlock();
        }
        write(batch);
        inline.addLast(batch);
    }

    /**
     * On the writer thread: writes a batch at its offset, or, once the writer is broken, not at all. A
     * failure cuts the file back to where the batch starts and breaks the writer.
     */
    private void write(Batch batch) {
        StreamException failure = broken;
        if (failure == null) {
            if (batch.start != written) {
                failure = new StreamException(StreamException.Kind.IO, "internal error: a batch of " + file.path()
                        + " starts at " + batch.start + " but the file ends at " + written + "; nothing more is written");
            } else {
                failure = writeBytes(batch.bytes, batch.start);
            }
        }
        if (failure == null) {
            written = batch.start + batch.bytes.length();
        } else {
            lock.lock();
            try {
                if (broken == null) {
                    broken = failure;
                }
            } finally {
                lock.unlock();
            }
        }
        file.signal().bump();
    }

    private StreamException writeBytes(Bytes bytes, long at) {
        try {
            if (!truncated) {
                if (channel.size() > at) {
                    channel.truncate(at);
                    file.catalog().reset();
                }
                truncated = true;
            }
            byte[] array = bytes.array();
            int length = bytes.length();
            ByteBuffer out = staging;
            long p = at;
            for (int done = 0; done < length; ) {
                int n = Math.min(out.capacity(), length - done);
                out.clear();
                out.put(array, done, n).flip();
                while (out.hasRemaining()) {
                    p += channel.write(out, p);
                }
                done += n;
            }
            return null;
        } catch (IOException | RuntimeException e) {
            String cut;
            try {
                channel.truncate(at); // leave no partial frame behind
                file.catalog().reset();
                cut = "the file is cut back to " + at + " bytes";
            } catch (IOException | RuntimeException t) {
                e.addSuppressed(t);
                cut = "cutting the file back to " + at + " bytes failed too";
            }
            return new StreamException(StreamException.Kind.IO, "cannot write to " + file.path() + " at byte offset "
                    + at + ": " + e + "; " + cut + ", and the writer accepts no more messages", e);
        }
    }

    /**
     * On the writer thread, outside every lock: completes a written batch's receipts, or fails them if
     * the batch was not written.
     */
    private void complete(Batch batch) {
        StreamException failure = broken;
        boolean ok = failure == null || batch.start + batch.bytes.length() <= written;
        Pending[] ps = batch.pending;
        long lastTs = Long.MIN_VALUE;
        Instant instant = null;
        for (int i = 0, n = batch.count; i < n; i++) {
            Pending p = ps[i];
            if (!ok) {
                p.completeExceptionally(failure);
                continue;
            }
            if (p.ts != lastTs) { // one Instant for the many receipts of a millisecond
                lastTs = p.ts;
                instant = Instant.ofEpochMilli(p.ts);
            }
            p.complete(new Receipt(p.stream.key, p.stream.shard, SeqNo.of(p.seq), instant));
        }
    }

    /** Under the lock, after {@link #complete}: counts the batch's receipts as settled and reuses it. */
    private void recycle(Batch batch) {
        settled = Math.max(settled, batch.start + batch.bytes.length());
        batch.reset();
        if (spare == null) {
            spare = batch;
        }
        progress.signalAll();
    }
}
