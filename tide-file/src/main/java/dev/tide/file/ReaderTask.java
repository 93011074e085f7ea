package dev.tide.file;

import dev.tide.MessageHeader;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One reader thread: reads the file's frames from a position and hands those its {@link Gates} and key
 * filter pass to a {@link Sink} (a consumer's queue, or a group's dispatcher).
 *
 * <p>At the end of the bytes it either ends the sink ({@code file.live=false}) or waits: on the
 * file's {@link FileSignal}, which this process's writer bumps after every write (so a message written
 * here is read at once), with a timeout backing off from 1 ms to {@code file.poll-max} to notice other
 * processes' writes (a poll of the file size; no busy loop). A torn frame at the end is simply waited
 * for. The end-of-stream frame ends the sink with {@link StreamException.Kind#ENDED}; damaged bytes end
 * it with {@link StreamException.Kind#FORMAT} naming the offset, after every frame before them.
 *
 * <p>Messages are handed over in batches: the frames read one after another without waiting (up to
 * {@link #BATCH}, or the sink's capacity) go together, with one lock and one wake-up of the receiver;
 * a batch is handed over before the thread waits for more bytes, ends or fails, so nothing waits in it
 * while the file is quiet. The key filter's verdict and the {@link StreamKey} of the last key read are
 * kept (one stream is the common case), as is the {@link Instant} of the last timestamp.
 *
 * <p>{@link #stop()} ends the thread cooperatively (a flag, a signal bump, puts refused by the caller)
 * and joins it; {@link #resumePosition()} then says where reading would continue.
 */
final class ReaderTask {

    /** Where frames go. */
    interface Sink {
        /** Delivers a message, blocking while the receiver is full; false if it will take no more. */
        boolean deliver(FileMessage m);

        /**
         * Delivers messages in order, blocking while the receiver is full.
         *
         * @return how many were delivered: fewer than {@code n} if the receiver takes no more
         */
        default int deliverAll(FileMessage[] ms, int n) {
            for (int i = 0; i < n; i++) {
                if (!deliver(ms[i])) {
                    return i;
                }
            }
            return n;
        }

        /** Ends delivery: {@code e} is ENDED or the read error. */
        void finish(StreamException e);
    }

    /** The most messages handed over at once. */
    static final int BATCH = 256;

    private final SharedFile file;
    private final long start;
    private final Gates gates;
    private final Set<String> keys;
    private final boolean live;
    private final long pollMaxNanos;
    private final Sink sink;
    private final Map<String, StreamKey> streamKeys = new HashMap<>();
    private final FileMessage[] batch;
    private int batched;
    /** Where reading would continue once the batch is delivered. */
    private long batchResume;
    private String lastKey;
    private StreamKey lastStreamKey;
    private boolean lastWanted;
    private long lastTs = Long.MIN_VALUE;
    private Instant lastInstant;
    private volatile boolean stopping;
    private volatile long resume;
    private Thread thread;

    /**
     * @param keys the stream keys to read, or null for every stream
     */
    ReaderTask(SharedFile file, long start, Gates gates, Set<String> keys, boolean live, long pollMaxNanos, Sink sink) {
        this(file, start, gates, keys, live, pollMaxNanos, sink, BATCH);
    }

    /**
     * @param keys the stream keys to read, or null for every stream
     * @param batch the most messages handed to the sink at once
     */
    ReaderTask(SharedFile file, long start, Gates gates, Set<String> keys, boolean live, long pollMaxNanos, Sink sink,
            int batch) {
        this.batch = new FileMessage[Math.max(1, Math.min(BATCH, batch))];
        this.file = file;
        this.start = start;
        this.gates = gates;
        this.keys = keys;
        this.live = live;
        this.pollMaxNanos = Math.max(1_000_000L, pollMaxNanos);
        this.sink = sink;
        this.resume = start;
    }

    ReaderTask start() {
        thread = FileThreads.start(this::run);
        return this;
    }

    /** Stops the thread and waits for it; the sink's puts must be refused first. */
    void stop() {
        stopping = true;
        file.signal().bump();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StreamException.interrupted(e, "stopping the reader of " + file.path());
        }
    }

    /** After {@link #stop()}: the position of the first frame not handed to the sink. */
    long resumePosition() {
        return resume;
    }

    Gates gates() {
        return gates;
    }

    private void run() {
        try (FileChannel ch = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            SsReader r = new SsReader(ByteSource.of(ch));
            long backoff = 1_000_000L;
            boolean positioned = false;
            while (!stopping) {
                long seen = file.signal().version();
                if (!positioned) {
                    if (r.readHeader() == SsReader.Status.FRAME) {
                        r.position(Math.max(start, Layout.HEADER_SIZE));
                        positioned = true;
                        continue;
                    }
                } else {
                    SsReader.Status s = r.next();
                    if (s == SsReader.Status.FRAME) {
                        backoff = 1_000_000L;
                        if (!handle(r)) {
                            return;
                        }
                        continue;
                    }
                }
                if (!handOver()) {
                    return;
                }
                if (!live) {
                    sink.finish(new StreamException(StreamException.Kind.ENDED, "reached the end of " + file.path()));
                    return;
                }
                file.signal().await(seen, backoff);
                backoff = Math.min(backoff * 2, pollMaxNanos);
            }
        } catch (SsFormatException e) {
            fail(file.corrupt(e, "cannot read on"));
        } catch (IOException e) {
            fail(new StreamException(StreamException.Kind.IO, "cannot read " + file.path() + ": " + e, e));
        } catch (InterruptedException e) {
            fail(StreamException.interrupted(e, "waiting for " + file.path() + " to grow"));
        } catch (RuntimeException e) {
            fail(new StreamException(StreamException.Kind.BACKEND, "the reader of " + file.path() + " failed: " + e, e));
        }
    }

    /** Ends the sink with an error, after the messages read before it. */
    private void fail(StreamException e) {
        if (handOver()) {
            sink.finish(e);
        }
    }

    /**
     * Hands the batch to the sink.
     *
     * @return false when the reader must stop (the sink takes no more)
     */
    private boolean handOver() {
        int n = batched;
        if (n == 0) {
            return true;
        }
        int done = stopping ? 0 : sink.deliverAll(batch, n);
        boolean all = done == n;
        resume = all ? batchResume : batch[done].position();
        java.util.Arrays.fill(batch, 0, n, null);
        batched = 0;
        return all;
    }

    /** Passes the current frame on if it is wanted; false when the reader must stop. */
    private boolean handle(SsReader r) {
        long position = r.framePosition();
        String key = r.key();
        if (key != lastKey) { // the reader hands out one String instance per key it has seen lately
            if (Layout.INTERNAL_KEY.equals(key)) {
                return internal(r);
            }
            lastKey = key;
            lastWanted = keys == null || keys.contains(key);
            lastStreamKey = null;
        }
        if (!lastWanted || !gates.admit(key, r.shard(), r.seq(), r.timestamp(), position)) {
            skipped(r.position());
            return true;
        }
        if (lastStreamKey == null) {
            lastStreamKey = streamKey(key, r);
        }
        long ts = r.timestamp();
        if (ts != lastTs) {
            lastTs = ts;
            lastInstant = Instant.ofEpochMilli(ts);
        }
        MessageHeader header = new MessageHeader(lastStreamKey, ShardId.of(r.shard()), SeqNo.of(r.seq()), lastInstant);
        batch[batched++] = new FileMessage(header, r.payloadArray(), r.payloadOffset(), r.payloadLength(), position,
                r.position());
        batchResume = r.position();
        return batched < batch.length || handOver();
    }

    /** The internal frames: the end-of-stream marker ends the sink; others are skipped. */
    private boolean internal(SsReader r) {
        if (r.isEos()) {
            if (!handOver()) {
                return false;
            }
            resume = r.position();
            sink.finish(new StreamException(StreamException.Kind.ENDED, file.path() + " has ended (end-of-stream"
                    + " marker at byte offset " + r.frameStart() + ")"));
            return false;
        }
        skipped(r.position());
        return true;
    }

    /** A frame not passed on: reading resumes after it, once the batch before it is delivered. */
    private void skipped(long end) {
        if (batched == 0) {
            resume = end;
        } else {
            batchResume = end;
        }
    }

    private StreamKey streamKey(String key, SsReader r) {
        StreamKey streamKey = streamKeys.get(key);
        if (streamKey == null) {
            if (!StreamKey.isValid(key)) {
                throw new SsFormatException(r.frameStart(), "the frame has an empty stream key");
            }
            streamKey = StreamKey.of(key);
            streamKeys.put(key, streamKey);
        }
        return streamKey;
    }
}
