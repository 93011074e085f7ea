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
 * <p>{@link #stop()} ends the thread cooperatively (a flag, a signal bump, puts refused by the caller)
 * and joins it; {@link #resumePosition()} then says where reading would continue.
 */
final class ReaderTask {

    /** Where frames go. */
    interface Sink {
        /** Delivers a message, blocking while the receiver is full; false if it will take no more. */
        boolean deliver(FileMessage m);

        /** Ends delivery: {@code e} is ENDED or the read error. */
        void finish(StreamException e);
    }

    private final SharedFile file;
    private final long start;
    private final Gates gates;
    private final Set<String> keys;
    private final boolean live;
    private final long pollMaxNanos;
    private final Sink sink;
    private final Map<String, StreamKey> streamKeys = new HashMap<>();
    private volatile boolean stopping;
    private volatile long resume;
    private Thread thread;

    /**
     * @param keys the stream keys to read, or null for every stream
     */
    ReaderTask(SharedFile file, long start, Gates gates, Set<String> keys, boolean live, long pollMaxNanos, Sink sink) {
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
                if (!live) {
                    sink.finish(new StreamException(StreamException.Kind.ENDED, "reached the end of " + file.path()));
                    return;
                }
                file.signal().await(seen, backoff);
                backoff = Math.min(backoff * 2, pollMaxNanos);
            }
        } catch (SsFormatException e) {
            sink.finish(file.corrupt(e, "cannot read on"));
        } catch (IOException e) {
            sink.finish(new StreamException(StreamException.Kind.IO, "cannot read " + file.path() + ": " + e, e));
        } catch (InterruptedException e) {
            sink.finish(StreamException.interrupted(e, "waiting for " + file.path() + " to grow"));
        } catch (RuntimeException e) {
            sink.finish(new StreamException(StreamException.Kind.BACKEND, "the reader of " + file.path() + " failed: " + e, e));
        }
    }

    /** Passes the current frame on if it is wanted; false when the reader must stop. */
    private boolean handle(SsReader r) {
        long position = r.framePosition();
        String key = r.key();
        if (Layout.INTERNAL_KEY.equals(key)) {
            resume = r.position();
            if (r.isEos()) {
                sink.finish(new StreamException(StreamException.Kind.ENDED, file.path() + " has ended (end-of-stream"
                        + " marker at byte offset " + r.frameStart() + ")"));
                return false;
            }
            return true;
        }
        if ((keys != null && !keys.contains(key)) || !gates.admit(key, r.shard(), r.seq(), r.timestamp(), position)) {
            resume = r.position();
            return true;
        }
        StreamKey streamKey = streamKeys.get(key);
        if (streamKey == null) {
            if (!StreamKey.isValid(key)) {
                throw new SsFormatException(r.frameStart(), "the frame has an empty stream key");
            }
            streamKey = StreamKey.of(key);
            streamKeys.put(key, streamKey);
        }
        MessageHeader header = new MessageHeader(streamKey, ShardId.of(r.shard()), SeqNo.of(r.seq()),
                Instant.ofEpochMilli(r.timestamp()));
        FileMessage m = new FileMessage(header, r.payloadArray(), r.payloadOffset(), r.payloadLength(), position,
                r.position());
        if (stopping || !sink.deliver(m)) {
            resume = position;
            return false;
        }
        resume = r.position();
        return true;
    }
}
