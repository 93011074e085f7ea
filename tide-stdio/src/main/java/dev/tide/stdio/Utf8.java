package dev.tide.stdio;

/**
 * Strict UTF-8 validation without decoding: the same rules as the JDK's reporting decoder (no overlong
 * forms, no surrogates, nothing above U+10FFFF, no truncated sequences).
 */
final class Utf8 {

    private Utf8() {
    }

    /**
     * Finds the first byte that does not start a valid UTF-8 sequence.
     *
     * @param b the bytes
     * @param from the first index to check
     * @param to one past the last index
     * @return the index of the first invalid sequence, or -1 if {@code b[from, to)} is valid UTF-8
     */
    static int invalidAt(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int min2;
            int max2;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min2 = 0x80;
                max2 = 0xBF;
            } else if (c == 0xE0) {
                need = 2;
                min2 = 0xA0;
                max2 = 0xBF;
            } else if (c == 0xED) {
                need = 2;
                min2 = 0x80;
                max2 = 0x9F;
            } else if (c >= 0xE1 && c <= 0xEF) {
                need = 2;
                min2 = 0x80;
                max2 = 0xBF;
            } else if (c == 0xF0) {
                need = 3;
                min2 = 0x90;
                max2 = 0xBF;
            } else if (c >= 0xF1 && c <= 0xF3) {
                need = 3;
                min2 = 0x80;
                max2 = 0xBF;
            } else if (c == 0xF4) {
                need = 3;
                min2 = 0x80;
                max2 = 0x8F;
            } else {
                return i;
            }
            if (i + need >= to) {
                return i;
            }
            int c2 = b[i + 1] & 0xFF;
            if (c2 < min2 || c2 > max2) {
                return i;
            }
            for (int k = 2; k <= need; k++) {
                int ck = b[i + k] & 0xFF;
                if (ck < 0x80 || ck > 0xBF) {
                    return i;
                }
            }
            i += need + 1;
        }
        return -1;
    }

    /** Whether {@code b[from, to)} is valid UTF-8. */
    static boolean isValid(byte[] b, int from, int to) {
        return invalidAt(b, from, to) < 0;
    }

    /**
     * The number of bytes UTF-8 needs for {@code s[from, to)}; unpaired surrogates count as the one
     * replacement byte sequence the JDK would write, which cannot occur for text decoded from valid UTF-8.
     */
    static int encodedLength(CharSequence s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                n++;
            } else if (ch < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
