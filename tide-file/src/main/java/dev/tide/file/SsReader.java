package dev.tide.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the frames of a {@code .ss} file in order, transparently skipping the beacons that split them,
 * from a {@link ByteSource} that may still be growing.
 *
 * <p>Cursor style: {@link #next()} returns {@link Status#FRAME} and the accessors describe that frame
 * until the next call. When the bytes end, {@code next()} returns {@link Status#END} (they end exactly
 * between frames) or {@link Status#TORN} (they end inside a frame or beacon); either way the position
 * is restored to the start of the incomplete frame, so a live reader simply calls {@code next()} again
 * once more bytes are there. Anything that does not follow the format throws
 * {@link SsFormatException} naming the byte offset; frames before it were returned intact.
 *
 * <p>Checks beyond SeaStreamer's reader (which only checks payload checksums): each frame ends with
 * 0x0D, each beacon starts and ends with 0x0D and has at most as many markers as fit its interval,
 * and each beacon's "remaining bytes" matches the frame it cuts. Files written by SeaStreamer or Tide
 * always pass; damaged ones fail earlier and more clearly.
 *
 * <p>Payloads are returned as slices of the read window when they lie in one piece (the window
 * array is never overwritten where a returned payload lies), else copied. Not thread-safe.
 */
final class SsReader {

    /** What {@link #next()} found. */
    enum Status {
        /** A frame, described by the accessors. */
        FRAME,
        /** No more bytes, and they end between frames. */
        END,
        /** The bytes end inside a frame or a beacon (a torn tail, or a write in progress). */
        TORN
    }

    /** Thrown internally when the bytes run out; no stack trace. */
    private static final class Eof extends Exception {
        Eof() {
            super(null, null, false, false);
        }
    }

    private static final Eof EOF = new Eof();
    private static final int WINDOW = 256 * 1024;
    private static final byte[] NO_BYTES = new byte[0];

    private final ByteSource src;
    private FileHeader header;
    private int interval;

    private int windowSize = WINDOW;
    private byte[] win = NO_BYTES;
    private long winStart;
    private int winLen;

    private long pos;
    private boolean fresh;
    private int beaconIndex;
    private List<Marker> markers = List.of();
    private Beacon lastBeacon;

    // the current frame
    private long framePosition;
    private long frameStart;
    private long frameEnd;
    private String key;
    private long shard;
    private long seq;
    private long timestamp;
    private byte[] payload = NO_BYTES;
    private int payloadOffset;
    private int payloadLength;
    private int checksum;

    // per-attempt bookkeeping
    private long frameBytes;
    private long frameLength;
    private long cleanEnd;
    private int pending;
    private final long[] pendingRead = new long[16];
    private final long[] pendingRemaining = new long[16];
    private final long[] pendingAt = new long[16];

    private final byte[] scratch = new byte[32];
    private final byte[] keyScratch = new byte[256];
    private final byte[][] cacheBytes = new byte[16][];
    private final String[] cacheKeys = new String[16];
    private int cacheNext;
    private int lastKey = -1;

    SsReader(ByteSource src) {
        this.src = src;
    }

    /**
     * Reads the header if that has not happened yet.
     *
     * @return {@link Status#FRAME} once the header is read; {@code END}/{@code TORN} if the file has
     *     no or only part of a header yet
     * @throws SsFormatException if the header is not a {@code .ss} v1 header
     */
    Status readHeader() throws IOException {
        if (header != null) {
            return Status.FRAME;
        }
        byte[] h = new byte[Layout.HEADER_SIZE];
        int n = src.read(0, h, 0, h.length);
        if (n < h.length) {
            byte[] magic = {0x53, 0x73, 0x01};
            for (int i = 0; i < Math.min(n, 3); i++) {
                if (h[i] != magic[i]) { // fail early on a file that is not a .ss file at all
                    throw new SsFormatException(i, String.format("not a .ss v1 file: expected 0x%02X at offset %d,"
                            + " found 0x%02X", magic[i], i, h[i] & 0xFF));
                }
            }
            return n == 0 ? Status.END : Status.TORN;
        }
        header = FileHeader.decode(h);
        interval = header.beaconInterval();
        pos = Layout.HEADER_SIZE;
        fresh = true;
        return Status.FRAME;
    }

    /** The header; {@link #readHeader()} must have returned {@code FRAME}. */
    FileHeader header() {
        if (header == null) {
            throw new IllegalStateException("the header has not been read");
        }
        return header;
    }

    /** The position of the next read: the end of the last frame, or where {@link #position(long)} put it. */
    long position() {
        return pos;
    }

    /**
     * Moves to {@code p}: the end of a frame, or a beacon boundary (then the rest of the frame that beacon
     * cuts is skipped, following the beacons' "remaining bytes").
     */
    void position(long p) {
        if (p < Layout.HEADER_SIZE) {
            throw new IllegalArgumentException("position inside the header: " + p);
        }
        pos = p;
        fresh = true;
        beaconIndex = 0;
        markers = List.of();
    }

    /** The index of the last beacon read (offset / interval), 0 if none since the start or a reposition. */
    int beaconIndex() {
        return beaconIndex;
    }

    /** The last beacon read, if any. */
    Beacon lastBeacon() {
        return lastBeacon;
    }

    /** The markers of the last beacon read. */
    List<Marker> markers() {
        return markers;
    }

    /**
     * Reads the next frame.
     *
     * @throws SsFormatException when the bytes at the position do not follow the format
     */
    Status next() throws IOException {
        if (header == null) {
            Status s = readHeader();
            if (s != Status.FRAME) {
                return s;
            }
        }
        long start = pos;
        boolean wasFresh = fresh;
        int savedIndex = beaconIndex;
        List<Marker> savedMarkers = markers;
        frameBytes = 0;
        frameLength = -1;
        pending = 0;
        cleanEnd = start;
        try {
            if (fresh) {
                skipToFrame();
                fresh = false;
            }
            if (pos % interval == 0) {
                readBeacon(false);
            }
            cleanEnd = pos;
            framePosition = start;
            frameStart = pos;
            readFrame();
            return Status.FRAME;
        } catch (Eof e) {
            pos = start;
            fresh = wasFresh;
            beaconIndex = savedIndex;
            markers = savedMarkers;
            if (start >= winStart && start < winStart + winLen) {
                winLen = (int) (start - winStart); // bytes past here may be rewritten: read them again
            }
            return src.size() > cleanEnd ? Status.TORN : Status.END;
        }
    }

    private void readFrame() throws IOException, Eof {
        long len;
        int at = (int) (pos - winStart);
        int keyLen;
        if (pos >= winStart && at < winLen && (keyLen = win[at] & 0xFF) <= Layout.MAX_KEY
                && at + 29 + keyLen <= winLen && 29 + keyLen <= interval - pos % interval) {
            // the usual case: the whole header is in the window and no beacon cuts it; read it in place
            System.arraycopy(win, at + 1, keyScratch, 0, keyLen);
            key = key(keyLen, pos + 1);
            int h = at + 1 + keyLen;
            shard = Bytes.getLong(win, h);
            seq = Bytes.getLong(win, h + 8);
            timestamp = Bytes.getLong(win, h + 16);
            len = Bytes.getInt(win, h + 24) & 0xFFFFFFFFL;
            pos += 29 + keyLen;
            frameBytes += 29 + keyLen;
        } else {
            readMsg(scratch, 0, 1);
            keyLen = scratch[0] & 0xFF;
            if (keyLen > Layout.MAX_KEY) {
                throw new SsFormatException(frameStart, "stream key length " + keyLen + " exceeds 249");
            }
            long keyAt = pos;
            readMsg(keyScratch, 0, keyLen);
            key = key(keyLen, keyAt);
            readMsg(scratch, 0, 28);
            shard = Bytes.getLong(scratch, 0);
            seq = Bytes.getLong(scratch, 8);
            timestamp = Bytes.getLong(scratch, 16);
            len = Bytes.getInt(scratch, 24) & 0xFFFFFFFFL;
        }
        if (timestamp < 0 || timestamp > Layout.MAX_TIMESTAMP_MS) {
            throw new SsFormatException(frameStart, "timestamp " + Long.toUnsignedString(timestamp)
                    + " ms of the frame is outside 1970..9999");
        }
        if (len > Integer.MAX_VALUE - 64) {
            throw new SsFormatException(frameStart, "payload length " + len + " is larger than 2 GiB");
        }
        frameLength = Layout.frameSize(keyLen, len);
        for (int i = 0; i < pending; i++) {
            checkRemaining(pendingAt[i], pendingRemaining[i], frameLength - pendingRead[i]);
        }
        pending = 0;
        readPayload((int) len);
        readMsg(scratch, 0, 3);
        checksum = Bytes.getShort(scratch, 0);
        int computed = Crc16.of(payload, payloadOffset, payloadLength);
        if (computed != checksum) {
            throw new SsFormatException(frameStart, String.format(
                    "checksum mismatch in the frame of %s seq %s: stored 0x%04X, computed 0x%04X from the payload",
                    key, Long.toUnsignedString(seq), checksum, computed));
        }
        if ((scratch[2] & 0xFF) != Layout.CR) {
            throw new SsFormatException(pos - 1, String.format(
                    "expected 0x0D at the end of the frame that starts at %d, found 0x%02X", frameStart, scratch[2] & 0xFF));
        }
        frameEnd = pos;
    }

    private String key(int len, long at) {
        if (lastKey >= 0 && same(cacheBytes[lastKey], len)) {
            return cacheKeys[lastKey];
        }
        for (int i = 0; i < cacheBytes.length; i++) {
            if (cacheBytes[i] != null && same(cacheBytes[i], len)) {
                lastKey = i;
                return cacheKeys[i];
            }
        }
        for (int i = 0; i < len; i++) {
            if (!Layout.isKeyByte(keyScratch[i] & 0xFF)) {
                throw new SsFormatException(at + i, String.format(
                        "byte 0x%02X is not allowed in a stream key (expected [A-Za-z0-9._-])", keyScratch[i] & 0xFF));
            }
        }
        String k = new String(keyScratch, 0, len, StandardCharsets.US_ASCII);
        int slot = cacheNext;
        cacheNext = (cacheNext + 1) % cacheBytes.length;
        cacheBytes[slot] = java.util.Arrays.copyOf(keyScratch, len);
        cacheKeys[slot] = k;
        lastKey = slot;
        return k;
    }

    private boolean same(byte[] cached, int len) {
        if (cached.length != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (cached[i] != keyScratch[i]) {
                return false;
            }
        }
        return true;
    }

    private void readPayload(int len) throws IOException, Eof {
        if (len > 0 && pos % interval == 0) {
            // the header ended exactly on a boundary: the beacon there comes before the payload
            readBeacon(false);
        }
        long room = interval - pos % interval;
        if (len <= room && len <= WINDOW) {
            if (len > 0) {
                ensure(pos, len);
            }
            payload = len == 0 ? NO_BYTES : win;
            payloadOffset = len == 0 ? 0 : (int) (pos - winStart);
            payloadLength = len;
            pos += len;
            frameBytes += len;
            return;
        }
        if (src.size() < pos + len) {
            throw EOF; // do not allocate for bytes that are not there (a torn or damaged length)
        }
        byte[] p = new byte[len];
        readMsg(p, 0, len);
        payload = p;
        payloadOffset = 0;
        payloadLength = len;
    }

    /** Reads message bytes, reading (and checking) any beacon that falls in between. */
    private void readMsg(byte[] dst, int off, int n) throws IOException, Eof {
        while (n > 0) {
            if (pos % interval == 0) {
                readBeacon(false);
            }
            int chunk = (int) Math.min(n, interval - pos % interval);
            copy(pos, dst, off, chunk);
            pos += chunk;
            off += chunk;
            n -= chunk;
            frameBytes += chunk;
        }
    }

    private void copy(long p, byte[] dst, int off, int n) throws IOException, Eof {
        if (n <= WINDOW) {
            ensure(p, n);
            System.arraycopy(win, (int) (p - winStart), dst, off, n);
            return;
        }
        if (src.read(p, dst, off, n) < n) {
            throw EOF;
        }
    }

    private void ensure(long p, int n) throws IOException, Eof {
        if (p >= winStart && p + n <= winStart + winLen) {
            return;
        }
        if (win.length > 0 && p >= winStart && p <= winStart + winLen && p + n <= winStart + win.length) {
            winLen += src.read(winStart + winLen, win, winLen, win.length - winLen);
        } else {
            byte[] w = new byte[Math.max(windowSize, n)];
            int got = src.read(p, w, 0, w.length);
            win = w;
            winStart = p;
            winLen = got;
        }
        if (p + n > winStart + winLen) {
            throw EOF;
        }
    }

    private int u8(long p) throws IOException, Eof {
        ensure(p, 1);
        return win[(int) (p - winStart)] & 0xFF;
    }

    /** Positions at the first frame at or after a boundary: reads the beacon(s), skips the cut frame's rest. */
    private void skipToFrame() throws IOException, Eof {
        if (pos % interval != 0) {
            return;
        }
        long remaining = readBeacon(true).remaining();
        while (remaining > 0) {
            long room = interval - pos % interval;
            if (remaining < room) {
                require(pos + remaining);
                pos += remaining;
                remaining = 0;
            } else {
                require(pos + room);
                pos += room;
                remaining -= room;
                long next = readBeacon(true).remaining();
                if (next != remaining) {
                    throw new SsFormatException(pos - 1, "the beacon at " + (pos - 1) / interval * interval
                            + " says " + next + " bytes of the cut frame remain, the beacon before implies "
                            + remaining);
                }
            }
        }
        cleanEnd = pos;
    }

    private void require(long end) throws IOException, Eof {
        if (src.size() < end) {
            throw EOF;
        }
    }

    private Beacon readBeacon(boolean positioning) throws IOException, Eof {
        Beacon b = parseBeacon(pos);
        lastBeacon = b;
        pos += b.size();
        cleanEnd = pos;
        beaconIndex = (int) (b.offset() / interval);
        markers = b.markers();
        if (!positioning) {
            if (frameBytes == 0) {
                checkRemaining(b.offset(), b.remaining(), 0);
            } else if (frameLength >= 0) {
                checkRemaining(b.offset(), b.remaining(), frameLength - frameBytes);
            } else {
                if (pending == pendingAt.length) {
                    throw new SsFormatException(b.offset(), "too many beacons inside one frame header");
                }
                pendingAt[pending] = b.offset();
                pendingRead[pending] = frameBytes;
                pendingRemaining[pending] = b.remaining();
                pending++;
            }
        }
        return b;
    }

    private void checkRemaining(long beaconAt, long stated, long expected) {
        if (stated != expected) {
            throw new SsFormatException(beaconAt + 1, "the beacon at " + beaconAt + " says " + stated
                    + " bytes of the frame it cuts follow it, but that frame has " + expected + " more bytes"
                    + (frameBytes > 0 ? " (it starts at " + frameStart + ")" : ""));
        }
    }

    /**
     * Parses the beacon at boundary {@code b} without moving.
     *
     * @throws SsFormatException if it is malformed
     */
    Beacon parseBeacon(long b) throws IOException, Eof {
        ensure(b, 6);
        int i = (int) (b - winStart);
        int lead = win[i] & 0xFF;
        if (lead != Layout.CR) {
            throw new SsFormatException(b, String.format("expected 0x0D at the start of the beacon at %d, found 0x%02X",
                    b, lead));
        }
        long remaining = Bytes.getInt(win, i + 1) & 0xFFFFFFFFL;
        int count = win[i + 5] & 0xFF;
        int max = Layout.maxMarkers(interval);
        if (count > max) {
            throw new SsFormatException(b + 5, "the beacon at " + b + " has " + count + " markers; at most " + max
                    + " fit in a " + interval + "-byte interval");
        }
        long p = b + 6;
        List<Marker> list = count == 0 ? List.of() : new ArrayList<>(count);
        for (int m = 0; m < count; m++) {
            int klen = u8(p);
            if (klen > Layout.MAX_KEY) {
                throw new SsFormatException(p, "marker key length " + klen + " exceeds 249");
            }
            ensure(p, 1 + klen + 26);
            int k = (int) (p - winStart) + 1;
            for (int c = 0; c < klen; c++) {
                if (!Layout.isKeyByte(win[k + c] & 0xFF)) {
                    throw new SsFormatException(p + 1 + c, String.format(
                            "byte 0x%02X is not allowed in a marker's stream key", win[k + c] & 0xFF));
                }
            }
            String mk = new String(win, k, klen, StandardCharsets.US_ASCII);
            long mShard = Bytes.getLong(win, k + klen);
            long mSeq = Bytes.getLong(win, k + klen + 8);
            long mTs = Bytes.getLong(win, k + klen + 16);
            int crc = Bytes.getShort(win, k + klen + 24);
            if (mTs < 0 || mTs > Layout.MAX_TIMESTAMP_MS) {
                throw new SsFormatException(p + 1 + klen + 16, "marker timestamp " + Long.toUnsignedString(mTs)
                        + " ms is outside 1970..9999");
            }
            list.add(new Marker(mk, mShard, mSeq, mTs, crc));
            p += 1 + klen + 26;
        }
        int trail = u8(p);
        if (trail != Layout.CR) {
            throw new SsFormatException(p, String.format("expected 0x0D at the end of the beacon at %d, found 0x%02X",
                    b, trail));
        }
        return new Beacon(b, (int) (p + 1 - b), remaining, list);
    }

    /**
     * Reads the beacon at a boundary for a survey (binary search), without moving the position.
     *
     * @return the beacon, or null if the file does not (yet) have all of it
     * @throws SsFormatException if it is malformed
     */
    Beacon beaconAt(long boundary) throws IOException {
        try {
            return parseBeacon(boundary);
        } catch (Eof e) {
            return null;
        }
    }

    /**
     * Reads small windows (a few KiB) from now on, for a survey that visits many beacons far apart, or
     * the usual large ones again.
     */
    void smallWindows(boolean small) {
        windowSize = small ? 4096 : WINDOW;
    }

    /** The current size of the bytes read. */
    long sourceSize() throws IOException {
        return src.size();
    }

    /** The beacon interval; {@link #readHeader()} must have returned {@code FRAME}. */
    int interval() {
        return interval;
    }

    /** The position {@link #next()} started from for the current frame (reading from there reads it again). */
    long framePosition() {
        return framePosition;
    }

    /**
     * After {@link Status#END}: where the readable bytes end (past any complete beacon and skipped
     * remainder); the position itself is back where the attempt started.
     */
    long endOfData() {
        return cleanEnd;
    }

    long frameStart() {
        return frameStart;
    }

    long frameEnd() {
        return frameEnd;
    }

    String key() {
        return key;
    }

    long shard() {
        return shard;
    }

    long seq() {
        return seq;
    }

    long timestamp() {
        return timestamp;
    }

    /** The array holding the payload; shared, never modified, possibly longer than the payload. */
    byte[] payloadArray() {
        return payload;
    }

    int payloadOffset() {
        return payloadOffset;
    }

    int payloadLength() {
        return payloadLength;
    }

    int checksum() {
        return checksum;
    }

    /** Whether the current frame is the end-of-stream marker. */
    boolean isEos() {
        return Layout.isEos(key, payload, payloadOffset, payloadLength);
    }

    /** A copy of the current payload. */
    byte[] payloadCopy() {
        return java.util.Arrays.copyOfRange(payload, payloadOffset, payloadOffset + payloadLength);
    }
}
