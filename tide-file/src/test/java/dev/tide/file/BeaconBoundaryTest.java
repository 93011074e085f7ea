package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Frames cut by a beacon at every possible place read back intact: the reader, the verifier and a live
 * reader that sees the file grow a few bytes at a time all agree with what the encoder wrote.
 *
 * <p>Each case writes a filler frame whose payload length moves the frame under test one byte further
 * towards the boundary, so that across the cases the boundary falls at every offset of that frame: before
 * it, inside its key length, key, shard, seq, timestamp and length fields, exactly between its header
 * and its payload, inside the payload, the checksum and the trailing 0x0D, and right after it.
 */
class BeaconBoundaryTest {

    private static final int[] INTERVALS = {128, 256, 1024};

    /** The frames of one case, as written. */
    private record Written(byte[] file, List<Vectors.Frame> frames) {
    }

    private static Written write(int interval, int fillerLength) {
        FileHeader header = FileHeader.create("boundary.ss", 1_700_000_000_000L, interval);
        List<Vectors.Frame> frames = new ArrayList<>();
        frames.add(frame("filler", 1, fillerLength));
        // the frame under test: 50 header bytes (a 21-byte key), a short payload
        frames.add(frame("tide-boundary-threads", 1, 9));
        frames.add(frame("tide-boundary-threads", 2, 0));
        frames.add(frame("after", 1, 17));
        return new Written(Vectors.encode(header, frames), frames);
    }

    private static Vectors.Frame frame(String key, long seq, int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) ('a' + (seq * 7 + i) % 26);
        }
        return new Vectors.Frame(0, 0, key, 0, seq, 1_700_000_000_000L + seq, payload);
    }

    /** Every filler length that puts the boundary at each offset of the second frame (and around it). */
    private static List<Integer> fillerLengths(int interval) {
        List<Integer> out = new ArrayList<>();
        int firstFrameStart = Layout.HEADER_SIZE + (Layout.HEADER_SIZE % interval == 0 ? Layout.BEACON_OVERHEAD : 0);
        long boundary = (firstFrameStart / interval + 1L) * interval;
        long fillerOverhead = Layout.frameSize("filler".length(), 0);
        // the second frame starts at firstFrameStart + fillerOverhead + length, up to the first boundary after it
        for (int length = 0; firstFrameStart + fillerOverhead + length <= boundary; length++) {
            out.add(length);
        }
        return out;
    }

    @Test
    void theReaderAndTheVerifierReadFramesCutAnywhere() throws IOException {
        int cases = 0;
        int headerEndsOnBoundary = 0;
        for (int interval : INTERVALS) {
            for (int length : fillerLengths(interval)) {
                Written w = write(interval, length);
                SsReader r = new SsReader(ByteSource.of(w.file()));
                for (Vectors.Frame expected : w.frames()) {
                    assertThat(r.next()).as("interval %d, filler %d", interval, length).isEqualTo(SsReader.Status.FRAME);
                    assertSame(r, expected, interval, length);
                    if ((r.frameStart() + 1 + r.key().length() + 28) % interval == 0 && r.frameStart() % interval != 0) {
                        headerEndsOnBoundary++;
                    }
                }
                assertThat(r.next()).isEqualTo(SsReader.Status.END);
                Verifier.Report report = Verifier.verify(ByteSource.of(w.file()));
                assertThat(report.verdict()).as("interval %d, filler %d: %s at %d", interval, length, report.problem(),
                        report.problemOffset()).isEqualTo(Verifier.Verdict.CLEAN);
                assertThat(report.messages()).isEqualTo(w.frames().size());
                cases++;
            }
        }
        assertThat(cases).isGreaterThan(200);
        assertThat(headerEndsOnBoundary).as("cases where a frame's header ends exactly on a boundary")
                .isGreaterThanOrEqualTo(INTERVALS.length);
    }

    @Test
    void aLiveReaderReadsTheSameFramesWhileTheFileGrows() throws IOException {
        for (int interval : INTERVALS) {
            for (int length : fillerLengths(interval)) {
                Written w = write(interval, length);
                for (int step : new int[] {1, 7}) {
                    Growing src = new Growing(w.file());
                    SsReader r = new SsReader(src);
                    int read = 0;
                    while (read < w.frames().size()) {
                        SsReader.Status s = r.next();
                        if (s == SsReader.Status.FRAME) {
                            assertSame(r, w.frames().get(read++), interval, length);
                        } else {
                            assertThat(src.length).as("interval %d, filler %d, step %d: %d frames read", interval,
                                    length, step, read).isLessThan(w.file().length);
                            src.grow(step);
                        }
                    }
                    src.grow(w.file().length); // a beacon may follow the last frame
                    assertThat(r.next()).isEqualTo(SsReader.Status.END);
                }
            }
        }
    }

    private static void assertSame(SsReader r, Vectors.Frame expected, int interval, int fillerLength) {
        String where = "interval " + interval + ", filler " + fillerLength + ", frame " + expected.key() + " "
                + expected.seq() + " at " + r.frameStart();
        assertThat(r.key()).as(where).isEqualTo(expected.key());
        assertThat(r.seq()).as(where).isEqualTo(expected.seq());
        assertThat(r.timestamp()).as(where).isEqualTo(expected.ts());
        assertThat(r.payloadCopy()).as(where).isEqualTo(expected.payload());
    }

    /** The first {@code length} bytes of a file, as a live reader sees it being written. */
    private static final class Growing implements ByteSource {
        private final byte[] all;
        int length;

        Growing(byte[] all) {
            this.all = all;
            this.length = 0;
        }

        void grow(int n) {
            length = Math.min(all.length, length + n);
        }

        @Override
        public int read(long pos, byte[] dst, int off, int len) {
            if (pos >= length) {
                return 0;
            }
            int n = (int) Math.min(len, length - pos);
            System.arraycopy(all, (int) pos, dst, off, n);
            return n;
        }

        @Override
        public long size() {
            return length;
        }
    }
}
