package dev.tide.file;

/**
 * CRC-16/CDMA2000: width 16, polynomial 0xC867, initial value 0xFFFF, no reflection, no final xor.
 * The checksum of every message payload in a {@code .ss} file, and (fed the two big-endian bytes of
 * each payload checksum) the running checksum of a beacon marker. Check values: {@code "123456789"}
 * → 0x4C06, {@code "hello, world"} → 0x8028.
 */
final class Crc16 {

    /** The initial register value. */
    static final int INIT = 0xFFFF;

    private static final int POLY = 0xC867;
    private static final char[] TABLE = table();

    private Crc16() {
    }

    private static char[] table() {
        char[] t = new char[256];
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ POLY : crc << 1;
            }
            t[i] = (char) (crc & 0xFFFF);
        }
        return t;
    }

    /** Feeds one byte to a running CRC register. */
    static int update(int crc, int b) {
        return ((crc << 8) ^ TABLE[((crc >>> 8) ^ b) & 0xFF]) & 0xFFFF;
    }

    /** Feeds bytes to a running CRC register. */
    static int update(int crc, byte[] bytes, int offset, int length) {
        int c = crc;
        for (int i = offset, end = offset + length; i < end; i++) {
            c = ((c << 8) ^ TABLE[((c >>> 8) ^ bytes[i]) & 0xFF]) & 0xFFFF;
        }
        return c;
    }

    /** The CRC of a byte range. */
    static int of(byte[] bytes, int offset, int length) {
        return update(INIT, bytes, offset, length);
    }

    /** The CRC of a whole array. */
    static int of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }
}
