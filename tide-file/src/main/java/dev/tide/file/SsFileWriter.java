package dev.tide.file;

import dev.tide.MessageHeader;
import dev.tide.StreamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;

/**
 * Writes a new {@code .ss} file from messages whose headers are given, keeping each header exactly as it is
 * (stream, shard, sequence number, timestamp truncated to milliseconds): what an archive or a dump needs,
 * where the file producer would number and stamp messages itself. One writing session, beacons and markers
 * as SeaStreamer's writer lays them out; {@link #close()} ends the file with an end-of-stream frame.
 *
 * <p>Not thread-safe: one thread writes. Bytes are buffered and written in blocks of about 1 MiB.
 */
public final class SsFileWriter implements AutoCloseable {

    /** The beacon interval SeaStreamer's writers use by default: 1 MiB. */
    public static final int DEFAULT_BEACON_INTERVAL = 1 << 20;

    private static final int FLUSH_AT = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private final SsEncoder encoder;
    private final Bytes buffer = new Bytes(FLUSH_AT + 4096);
    private long messages;
    private boolean closed;

    private SsFileWriter(Path path, FileChannel channel, FileHeader header) {
        this.path = path;
        this.channel = channel;
        this.encoder = new SsEncoder(header.beaconInterval(), Layout.HEADER_SIZE);
        buffer.put(header.encode());
        encoder.begin(buffer);
    }

    /**
     * Creates the file; it must not exist yet.
     *
     * @param path where to write
     * @param createdAt the header's creation time
     * @param beaconInterval at least 128; writers use a multiple of 1024
     * @return the writer
     * @throws StreamException {@link StreamException.Kind#IO} naming the path if it exists or cannot be created
     */
    public static SsFileWriter create(Path path, Instant createdAt, int beaconInterval) {
        FileHeader header = FileHeader.create(String.valueOf(path.getFileName()), createdAt.toEpochMilli(), beaconInterval);
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new SsFileWriter(path, channel, header);
        } catch (IOException e) {
            throw new StreamException(StreamException.Kind.IO, "cannot create " + path + ": " + e, e);
        }
    }

    /**
     * Appends one message with exactly this header.
     *
     * @param header the stream, shard, sequence number and timestamp to record
     * @param payload the bytes
     * @throws StreamException {@link StreamException.Kind#INVALID_STREAM_KEY} for the reserved key,
     *     {@link StreamException.Kind#IO} if writing fails, {@link StreamException.Kind#CLOSED} after close
     */
    public void write(MessageHeader header, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (closed) {
            throw new StreamException(StreamException.Kind.CLOSED, "the writer of " + path + " is closed");
        }
        if (header.key().isInternal()) {
            throw new StreamException(StreamException.Kind.INVALID_STREAM_KEY,
                    "stream key " + header.key() + " is reserved for the file's own markers");
        }
        append(new StreamShard(header.key().name(), header.shard().id()), header.seq().value(),
                header.timestamp().toEpochMilli(), payload);
        messages++;
    }

    /** How many messages were written. */
    public long messages() {
        return messages;
    }

    private void append(StreamShard stream, long seq, long ms, byte[] payload) {
        encoder.append(buffer, stream, seq, ms, payload, 0, payload.length);
        if (buffer.length() >= FLUSH_AT) {
            drain();
        }
    }

    private void drain() {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(buffer.array(), 0, buffer.length());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            buffer.clear();
        } catch (IOException e) {
            throw new StreamException(StreamException.Kind.IO, "cannot write " + path + ": " + e, e);
        }
    }

    /**
     * Writes the end-of-stream frame, flushes and closes the file. Closing twice does nothing.
     *
     * @throws StreamException {@link StreamException.Kind#IO} if writing fails
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            append(new StreamShard(Layout.INTERNAL_KEY, 0), 0, System.currentTimeMillis(), Layout.EOS_PAYLOAD);
            drain();
            channel.force(true);
        } catch (IOException e) {
            throw new StreamException(StreamException.Kind.IO, "cannot write " + path + ": " + e, e);
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                // the data is forced already; nothing more to do
            }
        }
    }
}
