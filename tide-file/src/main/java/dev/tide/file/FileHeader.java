package dev.tide.file;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The 128-byte header of a {@code .ss} file: {@code 53 73 01}, the file name (u8 length + UTF-8),
 * created-at (u64 ms), the beacon interval (u32), zero padding, and {@code 0x0D} as byte 127.
 *
 * @param fileName the name written by the creator (informative only)
 * @param createdAtMs when the file was created, ms since the epoch
 * @param beaconInterval bytes between beacons, at least 128
 */
record FileHeader(String fileName, long createdAtMs, int beaconInterval) {

    FileHeader {
        if (beaconInterval < Layout.MIN_INTERVAL) {
            throw new IllegalArgumentException("beacon interval must be at least 128 bytes: " + beaconInterval);
        }
        if (fileName.getBytes(StandardCharsets.UTF_8).length > Layout.MAX_FILE_NAME) {
            throw new IllegalArgumentException("file name longer than 111 bytes: " + fileName);
        }
    }

    /**
     * A header for a new file; a name longer than the header has room for is cut to its first 111 bytes
     * (at a character boundary) rather than refused.
     */
    static FileHeader create(String fileName, long createdAtMs, int beaconInterval) {
        return new FileHeader(fitName(fileName), createdAtMs, beaconInterval);
    }

    static String fitName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= Layout.MAX_FILE_NAME) {
            return name;
        }
        int end = Layout.MAX_FILE_NAME;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // do not cut a character in two
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** The 128 header bytes. */
    byte[] encode() {
        byte[] name = fileName.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[Layout.HEADER_SIZE];
        out[0] = 0x53;
        out[1] = 0x73;
        out[2] = 0x01;
        out[3] = (byte) name.length;
        System.arraycopy(name, 0, out, 4, name.length);
        ByteBuffer.wrap(out, 4 + name.length, 12).putLong(createdAtMs).putInt(beaconInterval);
        out[Layout.HEADER_SIZE - 1] = Layout.CR;
        return out;
    }

    /**
     * Parses the first 128 bytes of a file. The padding is not checked (SeaStreamer ignores it; the
     * verify tool checks it separately).
     *
     * @throws SsFormatException naming the offset of the first bad field
     */
    static FileHeader decode(byte[] b) {
        if ((b[0] & 0xFF) != 0x53 || (b[1] & 0xFF) != 0x73) {
            throw new SsFormatException(0, String.format("not a .ss file: expected the bytes 53 73, found %02x %02x",
                    b[0] & 0xFF, b[1] & 0xFF));
        }
        if (b[2] != 0x01) {
            throw new SsFormatException(2, "unsupported .ss version " + (b[2] & 0xFF) + " (expected 1)");
        }
        int len = b[3] & 0xFF;
        if (len > Layout.MAX_FILE_NAME) {
            throw new SsFormatException(3, "file name length " + len + " does not fit the header (at most 111)");
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, 4, len)).toString();
        } catch (CharacterCodingException e) {
            throw new SsFormatException(4, "the file name is not valid UTF-8");
        }
        long created = Bytes.getLong(b, 4 + len);
        if (created < 0 || created > Layout.MAX_TIMESTAMP_MS) {
            throw new SsFormatException(4 + len, "created-at " + Long.toUnsignedString(created)
                    + " ms is outside 1970..9999");
        }
        int interval = Bytes.getInt(b, 12 + len);
        if (interval < Layout.MIN_INTERVAL) {
            throw new SsFormatException(12 + len, "beacon interval " + Integer.toUnsignedString(interval)
                    + " is below 128 bytes");
        }
        return new FileHeader(name, created, interval);
    }

    /**
     * The first byte of the header's padding that is not as a writer leaves it (zeros, then 0x0D at 127),
     * or -1 when the padding is clean.
     */
    static int paddingProblem(byte[] b) {
        int start = 16 + (b[3] & 0xFF);
        for (int i = start; i < Layout.HEADER_SIZE - 1; i++) {
            if (b[i] != 0) {
                return i;
            }
        }
        return b[Layout.HEADER_SIZE - 1] == Layout.CR ? -1 : Layout.HEADER_SIZE - 1;
    }
}
