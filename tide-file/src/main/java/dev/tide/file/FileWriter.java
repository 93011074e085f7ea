package dev.tide.file;

import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one writer of a file in this process: one writing session, shared by every producer.
 *
 * <p>Design. A sending thread takes {@link #lock}, gives the message its sequence number and timestamp
 * and encodes its frame (with any beacon) into {@link #pending}; the send order is the order in which
 * senders take the lock, so the file's order is the send order. The flusher thread swaps
 * {@code pending} for an empty buffer under the lock and writes the full one to the file outside it,
 * then completes the receipts and wakes the readers of the file; {@link #flush()} waits for the
 * receipts, not only for the write, so every receipt sent before it is complete when it returns. While
 * it writes, new frames pile up in the other buffer: writes coalesce by themselves (one write call per
 * batch, no per-message system call). Senders block (backpressure) only while more than
 * {@link #MAX_PENDING} bytes wait.
 *
 * <p>The append point: where the last complete frame ends (a trailing end-of-stream frame is
 * overwritten; a torn tail left by a crash is cut off). The file is truncated there at the first
 * write, so no stale bytes follow new frames. Sequence numbers continue each stream's last one
 * ({@link SeqRecovery}, looked up on a stream's first send under {@link #recoveryLock}, which exists
 * only to serialise that file reading).
 *
 * <p>Limits: a frame that would take the file past the size limit fails its send with
 * {@link StreamException.Kind#IO} and nothing of it is written. Receipts complete once the bytes are
 * handed to the operating system (they survive a crash of this process); the file is forced to disk
 * when the writer closes.
 *
 * <p>Locks: {@link #lock} guards the encoder, the buffers and the counters; no I/O and no callbacks
 * run under it. {@link #recoveryLock} serialises the backward scans of {@link SeqRecovery}.
 */
final class FileWriter {

    static final int MAX_PENDING = 8 << 20;

    private record Pending(CompletableFuture<Receipt> future, StreamKey key, ShardId shard, long seq, long ts) {
    }

    private final SharedFile file;
    private final FileChannel channel;
    private final Clock clock;
    private final long limit;
    private final long appendPoint;
    private final SeqRecovery recovery;

    private final ReentrantLock recoveryLock = new ReentrantLock();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition drained = lock.newCondition();

    private final SsEncoder encoder;
    private Bytes pending = new Bytes(64 * 1024);
    private Bytes spare = new Bytes(64 * 1024);
    private List<Pending> receipts = new ArrayList<>();
    private List<Pending> spareReceipts = new ArrayList<>();
    private final Map<StreamShard, Long> lastSeq = new HashMap<>();
    private long flushed;
    /** Where the bytes end whose receipts are all complete: what {@link #flush()} waits for. */
    private long completed;
    /** Set once the receipts of the batch whose write failed are failed too. */
    private boolean failedReceipts;
    private boolean truncated;
    private boolean closing;
    private StreamException broken;
    private final Thread flusher;

    /**
     * Opens the writing session: finds the append point.
     *
     * @throws StreamException {@link StreamException.Kind#FORMAT} if the end of the file is damaged,
     *     {@link StreamException.Kind#IO} if it cannot be opened for writing
     */
    FileWriter(SharedFile file, Clock clock, long limit) {
        this.file = file;
        this.clock = clock;
        this.limit = limit;
        try {
            channel = FileChannel.open(file.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
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
        flushed = appendPoint;
        completed = appendPoint;
        encoder.begin(pending);
        flusher = FileThreads.start(this::flushLoop);
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    /**
     * Sends one message. Blocks only for backpressure or a stream's first sequence-number lookup.
     *
     * @return the receipt future; failed with {@code IO} at the size limit or after a write error
     */
    CompletableFuture<Receipt> send(StreamKey key, ShardId shard, StreamShard stream, byte[] payload) {
        CompletableFuture<Receipt> future = new CompletableFuture<>();
        if (!knowsSeq(stream)) {
            try {
                recover(stream);
            } catch (StreamException e) {
                future.completeExceptionally(e);
                return future;
            }
        }
        lock.lock();
        try {
            while (pending.length() > MAX_PENDING && broken == null && !closing) {
                drained.awaitUninterruptibly();
            }
            if (broken != null) {
                future.completeExceptionally(broken);
                return future;
            }
            if (closing) {
                throw new StreamException(StreamException.Kind.CLOSED, "the writer of " + file.path() + " is closed");
            }
            long size = encoder.sizeOf(stream, payload.length);
            if (encoder.offset() + size > limit) {
                future.completeExceptionally(new StreamException(StreamException.Kind.IO, "file size limit of " + limit
                        + " bytes reached: " + file.path() + " is " + encoder.offset() + " bytes and the frame of "
                        + key + " needs " + size + " more; nothing was written"));
                return future;
            }
            long seq = lastSeq.get(stream) + 1;
            long ts = clock.millis();
            encoder.append(pending, stream, seq, ts, payload, 0, payload.length);
            lastSeq.put(stream, seq);
            receipts.add(new Pending(future, key, shard, seq, ts));
            work.signal();
        } finally {
            lock.unlock();
        }
        return future;
    }

    private boolean knowsSeq(StreamShard stream) {
        lock.lock();
        try {
            return lastSeq.containsKey(stream);
        } finally {
            lock.unlock();
        }
    }

    private void recover(StreamShard stream) {
        recoveryLock.lock();
        try {
            if (knowsSeq(stream)) {
                return;
            }
            OptionalLong last = recovery.lastSeq(stream);
            lock.lock();
            try {
                lastSeq.putIfAbsent(stream, last.orElse(0));
            } finally {
                lock.unlock();
            }
        } catch (SsFormatException e) {
            throw file.corrupt(e, "cannot find the last sequence number of " + stream);
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
            encoder.append(pending, internal, 0, clock.millis(), Layout.EOS_PAYLOAD, 0, Layout.EOS_PAYLOAD.length);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until everything sent before the call is written and its receipts are complete (or the
     * writer broke). Called by a receipt's callback, which the writer's own thread runs, it returns at
     * once: that thread cannot wait for itself.
     *
     * @throws StreamException {@link StreamException.Kind#IO} if a write failed
     */
    void flush() {
        if (Thread.currentThread() == flusher) {
            return;
        }
        lock.lock();
        try {
            long target = encoder.offset();
            while (completed < target && !failedReceipts) {
                drained.awaitUninterruptibly();
            }
            if (broken != null) {
                throw broken;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Flushes, stops the flusher, forces the file to disk and closes it. */
    void close() {
        lock.lock();
        try {
            closing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            flusher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (channel.isOpen() && broken == null) {
                channel.force(true);
            }
        } catch (IOException e) {
            // the data is written; a failed force is reported nowhere else
        }
        closeQuietly();
    }

    private void flushLoop() {
        while (true) {
            Bytes batch;
            List<Pending> done;
            long at;
            lock.lock();
            try {
                while (pending.length() == 0 && !closing) {
                    work.awaitUninterruptibly();
                }
                if (pending.length() == 0) {
                    drained.signalAll();
                    return;
                }
                batch = pending;
                pending = spare;
                spare = batch;
                done = receipts;
                receipts = spareReceipts;
                spareReceipts = done;
                at = flushed;
            } finally {
                lock.unlock();
            }
            StreamException failure = write(batch, at);
            long end = at + batch.length();
            lock.lock();
            try {
                if (failure == null) {
                    flushed = end;
                } else if (broken == null) {
                    broken = failure;
                }
                batch.clear();
                drained.signalAll();
            } finally {
                lock.unlock();
            }
            for (Pending p : done) {
                if (failure == null) {
                    p.future().complete(new Receipt(p.key(), p.shard(), SeqNo.of(p.seq()), Instant.ofEpochMilli(p.ts())));
                } else {
                    p.future().completeExceptionally(failure);
                }
            }
            done.clear();
            lock.lock();
            try { // only now may flush() return: the receipts it covers are complete
                if (failure == null) {
                    completed = end;
                } else {
                    failedReceipts = true;
                }
                drained.signalAll();
            } finally {
                lock.unlock();
            }
            file.signal().bump();
        }
    }

    private StreamException write(Bytes batch, long at) {
        try {
            if (!truncated) {
                if (channel.size() > at) {
                    channel.truncate(at);
                }
                truncated = true;
            }
            ByteBuffer bb = ByteBuffer.wrap(batch.array(), 0, batch.length());
            long p = at;
            while (bb.hasRemaining()) {
                p += channel.write(bb, p);
            }
            return null;
        } catch (IOException e) {
            try {
                channel.truncate(at); // leave no partial frame behind
            } catch (IOException ignored) {
                // reported below
            }
            return new StreamException(StreamException.Kind.IO, "cannot write to " + file.path() + ": " + e, e);
        }
    }
}
