package dev.tide.file;

import java.nio.charset.StandardCharsets;

/**
 * The fixed numbers of the {@code .ss} format (version 1) and the beacon arithmetic, shared by the
 * reader and the writer. See {@code docs/file-format.md} for the whole layout.
 */
final class Layout {

    /** The header is exactly this long; the first frame (or the beacon of a 128-byte interval) follows. */
    static final int HEADER_SIZE = 128;
    /** The smallest beacon interval a reader accepts. */
    static final int MIN_INTERVAL = 128;
    /** The longest file name the header has room for. */
    static final int MAX_FILE_NAME = 111;
    /** Bytes of a frame besides its key and payload: key length, shard, seq, timestamp, length, CRC, 0x0D. */
    static final int FRAME_OVERHEAD = 32;
    /** Bytes of a beacon besides its markers: 0x0D, remaining (u32), count, 0x0D. */
    static final int BEACON_OVERHEAD = 7;
    /** Bytes of a marker besides its key: key length, shard, seq, timestamp, running checksum. */
    static final int MARKER_OVERHEAD = 27;
    /** The largest marker (a 255-byte key): what the marker count is budgeted with. */
    static final int MAX_MARKER_SIZE = 282;
    /** The longest stream key a reader accepts (a valid stream key). */
    static final int MAX_KEY = 249;
    /** The largest timestamp (ms) SeaStreamer can represent: 9999-12-31T23:59:59.999. */
    static final long MAX_TIMESTAMP_MS = 253_402_300_799_999L;
    /** The byte that ends frames, beacons and the header. */
    static final int CR = 0x0D;

    /** The reserved key of internal frames. */
    static final String INTERNAL_KEY = "SEA_STREAMER_INTERNAL";
    static final byte[] INTERNAL_KEY_BYTES = INTERNAL_KEY.getBytes(StandardCharsets.US_ASCII);
    /** The payload of the end-of-stream frame. */
    static final byte[] EOS_PAYLOAD = {'E', 'O', 'S'};

    private Layout() {
    }

    /** How many markers fit in {@code space} bytes of beacon (0 when fewer than 7 + 282 bytes). */
    static int maxMarkers(long space) {
        if (space < BEACON_OVERHEAD) {
            return 0;
        }
        return (int) Math.min(255, (space - BEACON_OVERHEAD) / MAX_MARKER_SIZE);
    }

    /** How many markers a writer puts in each beacon: half of what would fit. */
    static int markersPerBeacon(int interval) {
        return maxMarkers(interval) / 2;
    }

    /** The size of a frame with the given key and payload lengths. */
    static long frameSize(int keyLength, long payloadLength) {
        return keyLength + payloadLength + FRAME_OVERHEAD;
    }

    /** Whether a frame with this key and payload is the end-of-stream marker. */
    static boolean isEos(String key, byte[] payload, int offset, int length) {
        return INTERNAL_KEY.equals(key) && length == 3 && payload[offset] == 'E' && payload[offset + 1] == 'O'
                && payload[offset + 2] == 'S';
    }

    /** Whether a character may appear in a stream key (ASCII letters, digits, '.', '_', '-'). */
    static boolean isKeyByte(int b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '.' || b == '_'
                || b == '-';
    }

    /** Compares stream keys as SeaStreamer orders them (by bytes; keys are ASCII). */
    static int compareKeys(String a, String b) {
        return a.compareTo(b);
    }
}
