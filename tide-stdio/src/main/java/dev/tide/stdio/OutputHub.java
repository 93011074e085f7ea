package dev.tide.stdio;

import dev.tide.MessageHeader;
import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.Timestamps;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/*
 * One output stream (standard output, or an injected stream) and the one writer thread that prints every
 * line to it, so lines of concurrent producers never interleave. Shared by every stdio connection of the
 * process on the same OutputStream object (see Hubs), like SeaStreamer's process-wide stdout thread.
 *
 * Line format: "[YYYY-MM-DDTHH:MM:SS | key | seq] payload\n": the timestamp is the sender's clock when the
 * writer prints the line, in whole seconds, UTC; seq counts the lines printed to each key, from 0, shared by
 * every producer on this hub; the shard is not printed. Receipts carry exactly the printed header (shard 0),
 * where SeaStreamer reports sequence number 0. Unlike SeaStreamer, empty payloads are printed ("[… | k | 3] ")
 * and read back as empty payloads.
 *
 * Batching: the writer takes what is queued (up to MAX_BATCH lines), formats it into one buffer, writes it
 * with one call and flushes the stream once per batch; so a lone line reaches a pipe at once and a burst is
 * written in large blocks. Receipts complete after the flush, and after the loopback dispatch, so a receipt
 * means the line is out (and, in loopback mode, in the consumers' queues).
 *
 * Backpressure: at most CAPACITY lines wait to be printed; further sends block (outside any lock) until the
 * writer catches up with a slow output.
 *
 * Lock: `lock` guards refs, the writer thread, closed and failure; under it items are only offered to the
 * unbounded queue (never blocking). The sequence counters and the buffer belong to the writer thread.
 * A failed write (a closed pipe) fails that batch and every later send with IO.
 */
final class OutputHub {

    static final int CAPACITY = 16 * 1024;
    static final int MAX_BATCH = 4096;

    /** Work for the writer. */
    private sealed interface Item {
    }

    /** A line to print; {@code loopback} is the input hub to dispatch it to, or null. */
    private record Send(StreamKey key, byte[] payload, Clock clock, InputHub loopback, CompletableFuture<Receipt> receipt)
            implements Item {
    }

    /** Completes once everything queued before it is written and flushed. */
    private record Flush(CompletableFuture<Void> done) implements Item {
    }

    /** Ends the writer after everything queued before it. */
    private record Stop() implements Item {
    }

    private final OutputStream out;
    private final Semaphore room = new Semaphore(CAPACITY);
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock.
    private int refs = 1;
    private boolean closed;
    private Thread writer;
    private StreamException failure;

    // Writer thread only.
    private final Map<StreamKey, Long> nextSeq = new HashMap<>();
    private byte[] buffer = new byte[8 * 1024];
    private int buffered;

    OutputHub(OutputStream out) {
        this.out = out;
    }

    OutputStream stream() {
        return out;
    }

    /** The writer thread, if it was started. */
    Optional<Thread> writerThread() {
        lock.lock();
        try {
            return Optional.ofNullable(writer);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Lifecycle (called by Hubs under Hubs.LOCK)

    /** Takes one more reference; false if the hub is closed and must be replaced. */
    boolean retain() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            refs++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops a reference; the last one stops the writer after what is queued and returns it to join. */
    Thread release() {
        lock.lock();
        try {
            if (--refs > 0 || closed) {
                return null;
            }
            closed = true;
            if (writer == null) {
                return null;
            }
            queue.add(new Stop());
            return writer;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Sending

    /**
     * Queues a line. Blocks only while {@link #CAPACITY} lines are waiting to be printed.
     *
     * @param payload valid UTF-8 without '\n' (checked by the producer)
     * @param loopback the input hub to dispatch the printed message to, or null
     * @return the receipt, completed once the line is written and flushed
     * @throws StreamException CLOSED if the hub is closed, INTERRUPTED if interrupted while waiting for room
     */
    CompletableFuture<Receipt> send(StreamKey key, byte[] payload, Clock clock, InputHub loopback) {
        try {
            room.acquire();
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "waiting for room to print a line to " + key);
        }
        CompletableFuture<Receipt> receipt = new CompletableFuture<>();
        lock.lock();
        try {
            if (closed) {
                room.release();
                throw new StreamException(StreamException.Kind.CLOSED, "the stdio output is closed");
            }
            if (failure != null) {
                room.release();
                return CompletableFuture.failedFuture(copy(failure));
            }
            startWriter();
            queue.add(new Send(key, payload, clock, loopback, receipt));
        } finally {
            lock.unlock();
        }
        return receipt;
    }

    /**
     * Blocks until every line queued before the call is written and the stream flushed (or has failed).
     *
     * @throws StreamException INTERRUPTED if interrupted while waiting
     */
    void flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (closed || failure != null || writer == null) {
                return;
            }
            queue.add(new Flush(done));
        } finally {
            lock.unlock();
        }
        try {
            done.get();
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "waiting for the stdio output to be flushed");
        } catch (ExecutionException e) {
            // A failed write is reported through the receipts; flush only waits.
        }
    }

    /** Under lock. */
    private void startWriter() {
        if (writer == null) {
            writer = StdioThreads.start("writer", this::write);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The writer thread

    private void write() {
        List<Item> batch = new ArrayList<>();
        while (true) {
            Item first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                // Nobody interrupts the writer; it stops on a Stop item so that nothing queued is lost.
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = writeBatch(batch);
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    /** Writes one batch and completes its items; true if the batch ended with a stop request. */
    private boolean writeBatch(List<Item> batch) {
        buffered = 0;
        List<Send> sent = new ArrayList<>(batch.size());
        List<Receipt> receipts = new ArrayList<>(batch.size());
        List<Flush> flushes = new ArrayList<>();
        boolean stop = false;
        StreamException failed = currentFailure();
        for (Item item : batch) {
            switch (item) {
                case Send s -> {
                    if (failed != null) {
                        s.receipt().completeExceptionally(copy(failed));
                        room.release();
                        continue;
                    }
                    try {
                        Instant time = s.clock().instant().truncatedTo(ChronoUnit.SECONDS);
                        long seq = nextSeq.getOrDefault(s.key(), 0L);
                        nextSeq.put(s.key(), seq + 1);
                        appendLine(time, s.key(), seq, s.payload());
                        sent.add(s);
                        receipts.add(new Receipt(s.key(), ShardId.ZERO, SeqNo.of(seq), time));
                    } catch (RuntimeException e) {
                        s.receipt().completeExceptionally(new StreamException(StreamException.Kind.BACKEND,
                                "formatting a line for " + s.key() + " failed: " + e, e));
                        room.release();
                    }
                }
                case Flush f -> flushes.add(f);
                case Stop st -> stop = true;
            }
        }
        if (!sent.isEmpty() || !flushes.isEmpty()) {
            try {
                if (buffered > 0) {
                    out.write(buffer, 0, buffered);
                }
                out.flush();
                if (out instanceof PrintStream ps && ps.checkError()) {
                    throw new IOException("the output stream reported an error (a closed pipe?)");
                }
            } catch (IOException e) {
                failed = fail(new StreamException(StreamException.Kind.IO,
                        "writing to the stdio output failed: " + e.getMessage(), e));
            }
        }
        for (int i = 0; i < sent.size(); i++) {
            Send s = sent.get(i);
            if (failed != null) {
                s.receipt().completeExceptionally(copy(failed));
            } else {
                Receipt r = receipts.get(i);
                if (s.loopback() != null) {
                    s.loopback().dispatchPrinted(new MessageHeader(r.key(), r.shard(), r.seq(), r.timestamp()), s.payload());
                }
                s.receipt().complete(r);
            }
            room.release();
        }
        for (Flush f : flushes) {
            f.done().complete(null);
        }
        if (buffer.length > 1 << 20) {
            buffer = new byte[8 * 1024];
        }
        return stop;
    }

    private void appendLine(Instant time, StreamKey key, long seq, byte[] payload) {
        String head = "[" + Timestamps.formatSeconds(time) + " | " + key.name() + " | " + Long.toUnsignedString(seq) + "] ";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        ensure(h.length + payload.length + 1);
        System.arraycopy(h, 0, buffer, buffered, h.length);
        buffered += h.length;
        System.arraycopy(payload, 0, buffer, buffered, payload.length);
        buffered += payload.length;
        buffer[buffered++] = '\n';
    }

    private void ensure(int more) {
        if (buffered + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, buffered + more));
        }
    }

    private StreamException currentFailure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    private StreamException fail(StreamException e) {
        lock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
            return failure;
        } finally {
            lock.unlock();
        }
    }

    private static StreamException copy(StreamException e) {
        return new StreamException(e.kind(), e.getMessage(), e);
    }
}
