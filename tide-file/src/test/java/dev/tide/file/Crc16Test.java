package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sixteen-bytes-per-step {@link Crc16#update(int, byte[], int, int)} against the bit-by-bit definition. */
class Crc16Test {

    /** CRC-16/CDMA2000 one bit at a time, straight from its definition. */
    private static int reference(int crc, byte[] bytes, int offset, int length) {
        int c = crc;
        for (int i = offset; i < offset + length; i++) {
            c ^= (bytes[i] & 0xFF) << 8;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 0x8000) != 0 ? ((c << 1) ^ 0xC867) & 0xFFFF : (c << 1) & 0xFFFF;
            }
        }
        return c;
    }

    @Test
    void everyLengthOffsetAndStartRegisterMatchesTheDefinition() {
        SplittableRandom random = new SplittableRandom(20261122);
        for (int n = 0; n < 5_000; n++) {
            byte[] bytes = new byte[random.nextInt(0, 300)];
            random.nextBytes(bytes);
            int offset = random.nextInt(0, bytes.length + 1);
            int length = random.nextInt(0, bytes.length - offset + 1);
            int start = n % 2 == 0 ? Crc16.INIT : random.nextInt(0, 0x10000);
            assertThat(Crc16.update(start, bytes, offset, length))
                    .as("length %d at offset %d from 0x%04X", length, offset, start)
                    .isEqualTo(reference(start, bytes, offset, length));
        }
    }

    @Test
    void feedingInPiecesEqualsFeedingAtOnce() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] bytes = new byte[1000];
        random.nextBytes(bytes);
        for (int cut = 0; cut <= bytes.length; cut += 37) {
            int pieces = Crc16.update(Crc16.update(Crc16.INIT, bytes, 0, cut), bytes, cut, bytes.length - cut);
            assertThat(pieces).isEqualTo(Crc16.of(bytes)).isEqualTo(reference(Crc16.INIT, bytes, 0, bytes.length));
        }
    }
}
