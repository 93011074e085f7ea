package dev.tide.file;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lays out frames and beacons exactly as SeaStreamer's writer does, into a {@link Bytes} buffer that the
 * caller writes to the file at {@link #offset()} minus what it buffered.
 *
 * <p>Invariants: {@link #offset()} is the file offset of the next byte; a beacon is written as soon as
 * the offset reaches a multiple of the interval (even when a frame ended exactly there), carrying the
 * number of bytes of the frame it cut that follow it; a frame is split wherever a boundary falls, even
 * inside its header. The beacon's own bytes count toward the next interval. Marker state (largest seq,
 * largest timestamp, running checksum per stream and shard) covers this encoder's frames only: a
 * writing session starts with empty state, like SeaStreamer's. Each beacon carries
 * {@link Layout#markersPerBeacon} markers, rotating round-robin over the (key, shard) pairs in sorted
 * order from {@code markersWritten % n}.
 *
 * <p>Not thread-safe: the file writer calls it under its lock.
 */
final class SsEncoder {

    /**
     * Marker state of one stream and shard in this session: largest seq and timestamp, running checksum.
     * Handed out by {@link #state} so that a caller appending many frames of one stream looks it up once;
     * it takes part in beacons from the stream's first frame on.
     */
    static final class State {
        final StreamShard stream;
        long seq;
        long ts;
        int crc = Crc16.INIT;
        boolean active;

        State(StreamShard stream) {
            this.stream = stream;
        }
    }

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final int interval;
    private final int markersPerBeacon;
    /** The streams of this session that have frames, in marker order. */
    private final TreeMap<StreamShard, State> states = new TreeMap<>();
    private final HashMap<StreamShard, State> known = new HashMap<>();
    private final Bytes frame = new Bytes(256);
    private long offset;
    /**
     * Bytes from {@link #offset} to the next beacon boundary, {@code interval - offset % interval} (1 to
     * {@code interval}): kept so that a frame that fits, the common case, costs no division.
     */
    private long room;
    private long markersWritten;

    /**
     * An encoder continuing a file at {@code offset}.
     *
     * @param interval the file's beacon interval
     * @param offset where the next byte goes: 128 for a new file, the append point otherwise
     */
    SsEncoder(int interval, long offset) {
        if (interval < Layout.MIN_INTERVAL) {
            throw new IllegalArgumentException("beacon interval must be at least 128: " + interval);
        }
        if (offset < Layout.HEADER_SIZE) {
            throw new IllegalArgumentException("frames start after the 128-byte header: " + offset);
        }
        this.interval = interval;
        this.markersPerBeacon = Layout.markersPerBeacon(interval);
        this.offset = offset;
        this.room = interval - offset % interval;
    }

    /** The file offset of the next byte. */
    long offset() {
        return offset;
    }

    int interval() {
        return interval;
    }

    /**
     * Starts a writing session: when the start offset is exactly on a boundary (a new file with a
     * 128-byte interval, or an append point on a boundary), writes the empty beacon due there.
     */
    void begin(Bytes out) {
        if (offset % interval == 0) {
            out.put(Layout.CR).putInt(0).put(0).put(Layout.CR);
            offset += Layout.BEACON_OVERHEAD;
            room = interval - offset % interval;
        }
    }

    /** The marker state of a stream (created on first use; part of beacons once it has a frame). */
    State state(StreamShard stream) {
        State st = known.get(stream);
        if (st == null) {
            st = new State(stream);
            known.put(stream, st);
        }
        return st;
    }

    /**
     * Appends one frame (split by beacons where boundaries fall).
     *
     * @return the payload checksum
     */
    int append(Bytes out, StreamShard stream, long seq, long ts, byte[] payload, int off, int len) {
        return append(out, state(stream), seq, ts, payload, off, len);
    }

    /**
     * Appends one frame of the stream whose state {@link #state} gave (split by beacons where boundaries
     * fall).
     *
     * @return the payload checksum
     */
    int append(Bytes out, State st, long seq, long ts, byte[] payload, int off, int len) {
        int checksum = Crc16.of(payload, off, len);
        append(out, st, seq, ts, payload, off, len, checksum);
        return checksum;
    }

    /**
     * Appends one frame whose payload checksum the caller computed (outside its lock).
     *
     * @param checksum {@code Crc16.of(payload, off, len)}
     */
    void append(Bytes out, State st, long seq, long ts, byte[] payload, int off, int len, int checksum) {
        StreamShard stream = st.stream;
        byte[] key = stream.keyBytes();
        if (!st.active) {
            st.active = true;
            st.seq = seq;
            st.ts = ts;
            states.put(stream, st);
        }
        if (Long.compareUnsigned(seq, st.seq) > 0) {
            st.seq = seq;
        }
        if (Long.compareUnsigned(ts, st.ts) > 0) {
            st.ts = ts;
        }
        st.crc = Crc16.update(Crc16.update(st.crc, checksum >>> 8), checksum & 0xFF);

        long size = Layout.frameSize(key.length, len);
        if (size < room) {
            writeFrame(out, key, stream.shard(), seq, ts, payload, off, len, checksum);
            offset += size;
            room -= size;
            return;
        }
        frame.clear();
        writeFrame(frame, key, stream.shard(), seq, ts, payload, off, len, checksum);
        byte[] bytes = frame.array();
        int pos = 0;
        int total = frame.length();
        while (pos < total) {
            int chunk = (int) Math.min(total - pos, interval - offset % interval);
            out.put(bytes, pos, chunk);
            pos += chunk;
            offset += chunk;
            if (offset % interval == 0) {
                writeBeacon(out, total - pos);
            }
        }
        room = interval - offset % interval;
    }

    /**
     * How many bytes {@link #append} would add for this frame, beacons included, without changing
     * anything: lets the writer refuse a frame that would cross the file size limit.
     */
    long sizeOf(StreamShard stream, int len) {
        return sizeOf(state(stream), len);
    }

    /** {@link #sizeOf(StreamShard, int)} for a stream whose state {@link #state} gave. */
    long sizeOf(State st, int len) {
        StreamShard stream = st.stream;
        long size = Layout.frameSize(stream.keyBytes().length, len);
        if (size < room) {
            return size; // no boundary inside the frame, so no beacon (as in append)
        }
        long pos = offset;
        long left = size;
        long total = 0;
        long written = markersWritten;
        int n = states.size() + (st.active ? 0 : 1);
        while (left > 0) {
            long chunk = Math.min(left, interval - pos % interval);
            left -= chunk;
            pos += chunk;
            total += chunk;
            if (pos % interval == 0) {
                int beacon = beaconSize(stream, n, written);
                written += Math.min(n, markersPerBeacon);
                pos += beacon;
                total += beacon;
            }
        }
        return total;
    }

    private int beaconSize(StreamShard extra, int n, long written) {
        int take = Math.min(n, markersPerBeacon);
        if (take == 0) {
            return Layout.BEACON_OVERHEAD;
        }
        List<StreamShard> keys = new ArrayList<>(states.keySet());
        if (!states.containsKey(extra)) {
            int at = -java.util.Collections.binarySearch(keys, extra) - 1;
            keys.add(at, extra);
        }
        int size = Layout.BEACON_OVERHEAD;
        int start = (int) (written % n);
        for (int i = 0; i < take; i++) {
            size += keys.get((start + i) % n).keyBytes().length + Layout.MARKER_OVERHEAD;
        }
        return size;
    }

    private static void writeFrame(Bytes out, byte[] key, long shard, long seq, long ts, byte[] payload, int off,
            int len, int checksum) {
        int size = key.length + len + Layout.FRAME_OVERHEAD;
        int p = out.reserve(size);
        byte[] a = out.array();
        a[p] = (byte) key.length;
        System.arraycopy(key, 0, a, p + 1, key.length);
        p += 1 + key.length;
        LONG.set(a, p, shard);
        LONG.set(a, p + 8, seq);
        LONG.set(a, p + 16, ts);
        INT.set(a, p + 24, len);
        p += 28;
        System.arraycopy(payload, off, a, p, len);
        p += len;
        a[p] = (byte) (checksum >>> 8);
        a[p + 1] = (byte) checksum;
        a[p + 2] = (byte) Layout.CR;
    }

    private void writeBeacon(Bytes out, int remaining) {
        int n = states.size();
        int take = Math.min(n, markersPerBeacon);
        out.put(Layout.CR).putInt(remaining).put(take);
        int size = Layout.BEACON_OVERHEAD;
        if (take > 0) {
            List<Map.Entry<StreamShard, State>> sorted = new ArrayList<>(states.entrySet());
            int skip = (int) (markersWritten % n);
            for (int i = 0; i < take; i++) {
                Map.Entry<StreamShard, State> e = sorted.get((skip + i) % n);
                byte[] key = e.getKey().keyBytes();
                State st = e.getValue();
                out.put(key.length).put(key, 0, key.length).putLong(e.getKey().shard()).putLong(st.seq)
                        .putLong(st.ts).putShort(st.crc);
                size += key.length + Layout.MARKER_OVERHEAD;
            }
            markersWritten += take;
        }
        out.put(Layout.CR);
        offset += size;
    }
}
