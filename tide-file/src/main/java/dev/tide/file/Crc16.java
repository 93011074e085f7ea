package dev.tide.file;

/**
 * CRC-16/CDMA2000: width 16, polynomial 0xC867, initial value 0xFFFF, no reflection, no final xor.
 * The checksum of every message payload in a {@code .ss} file, and (fed the two big-endian bytes of
 * each payload checksum) the running checksum of a beacon marker. Check values: {@code "123456789"}
 * → 0x4C06, {@code "hello, world"} → 0x8028.
 *
 * <p>Byte ranges are fed eight bytes per step ("slicing by 8"): the register is linear in its input,
 * so after eight bytes it is the xor of eight table entries, {@code SLICES[k][v]} being the register
 * that byte value {@code v} followed by {@code k} zero bytes leaves (from a zero register). Only the
 * first two of the eight bytes meet the 16-bit register. This takes a quarter of the time of the
 * byte-at-a-time loop, whose every step waits for the previous one; it is every payload's checksum
 * on both the write and the read path.
 */
final class Crc16 {

    /** The initial register value. */
    static final int INIT = 0xFFFF;

    private static final int POLY = 0xC867;
    private static final char[] TABLE = table();
    private static final char[][] SLICES = slices();

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

    private static char[][] slices() {
        char[][] s = new char[8][];
        s[0] = TABLE;
        for (int k = 1; k < 8; k++) {
            s[k] = new char[256];
            for (int v = 0; v < 256; v++) {
                int c = s[k - 1][v];
                s[k][v] = (char) (((c << 8) ^ TABLE[c >>> 8]) & 0xFFFF);
            }
        }
        return s;
    }

    /** Feeds one byte to a running CRC register. */
    static int update(int crc, int b) {
        return ((crc << 8) ^ TABLE[((crc >>> 8) ^ b) & 0xFF]) & 0xFFFF;
    }

    /** Feeds bytes to a running CRC register. */
    static int update(int crc, byte[] bytes, int offset, int length) {
        int c = crc;
        int i = offset;
        int end = offset + length;
        char[] s0 = SLICES[0];
        char[] s1 = SLICES[1];
        char[] s2 = SLICES[2];
        char[] s3 = SLICES[3];
        char[] s4 = SLICES[4];
        char[] s5 = SLICES[5];
        char[] s6 = SLICES[6];
        char[] s7 = SLICES[7];
        for (; end - i >= 8; i += 8) {
            c = s7[((c >>> 8) ^ bytes[i]) & 0xFF] ^ s6[(c ^ bytes[i + 1]) & 0xFF]
                    ^ s5[bytes[i + 2] & 0xFF] ^ s4[bytes[i + 3] & 0xFF] ^ s3[bytes[i + 4] & 0xFF]
                    ^ s2[bytes[i + 5] & 0xFF] ^ s1[bytes[i + 6] & 0xFF] ^ s0[bytes[i + 7] & 0xFF];
        }
        for (; i < end; i++) {
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
