package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Damaged files never crash a reader, the decoder or the verifier: truncated anywhere, they give back
 * every complete message and end cleanly; with any bit flipped, they give back every message before the
 * damaged one intact and then either end or fail with a {@link SsFormatException} naming an offset in
 * the file.
 *
 * <p>Truncation is checked at every byte offset of the small vectors and around every frame of the larger
 * ones; bit flips at random positions drawn
 * from a fixed seed (and at every byte of the smallest vector), so every run checks the same cases.
 */
class RobustnessTest {

    static final List<String> VECTORS = Vectors.ALL;

    private record Read(List<Vectors.Frame> frames, SsFormatException error, SsReader.Status end) {
    }

    private static Read readAll(byte[] bytes) throws IOException {
        SsReader r = new SsReader(ByteSource.of(bytes));
        List<Vectors.Frame> out = new ArrayList<>();
        try {
            SsReader.Status s;
            while ((s = r.next()) == SsReader.Status.FRAME) {
                out.add(new Vectors.Frame(r.frameStart(), r.frameEnd(), r.key(), r.shard(), r.seq(), r.timestamp(),
                        r.payloadCopy()));
            }
            return new Read(out, null, s);
        } catch (SsFormatException e) {
            return new Read(out, e, null);
        }
    }

    private static boolean same(Vectors.Frame a, Vectors.Frame b) {
        return a.key().equals(b.key()) && a.shard() == b.shard() && a.seq() == b.seq() && a.ts() == b.ts()
                && Arrays.equals(a.payload(), b.payload());
    }

    @ParameterizedTest
    @FieldSource("VECTORS")
    void truncatedFilesGiveEveryCompleteMessageAndEndCleanly(String name) throws IOException {
        byte[] full = Vectors.ss(name);
        List<Vectors.Frame> all = Vectors.frames(full);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        FileTools.decode(ByteSource.of(full), FileTools.Format.NDJSON, false, whole, new PrintStream(new ByteArrayOutputStream()), name);
        for (int cut : cuts(full.length, all)) {
            checkTruncated(name, Arrays.copyOf(full, cut), all, whole.toByteArray());
        }
    }

    /**
     * Where to cut: every offset of a small file; for a larger one, every offset of the header, five offsets
     * of each frame (just after its start, inside its header, anywhere in it, just before and at its end), and 300
     * offsets drawn
     * from a fixed seed.
     */
    private static java.util.SortedSet<Integer> cuts(int length, List<Vectors.Frame> frames) {
        java.util.SortedSet<Integer> cuts = new java.util.TreeSet<>();
        if (length <= 2048) {
            for (int i = 0; i <= length; i++) {
                cuts.add(i);
            }
            return cuts;
        }
        for (int i = 0; i <= Layout.HEADER_SIZE + 1; i++) {
            cuts.add(i);
        }
        Random random = new Random(length);
        for (Vectors.Frame f : frames) {
            int size = (int) (f.end() - f.start());
            cuts.add((int) f.start() + 1);
            cuts.add((int) f.start() + 1 + random.nextInt(Math.max(1, Math.min(size - 1, 34))));
            cuts.add((int) f.start() + random.nextInt(Math.max(1, size)));
            cuts.add((int) f.end() - 1);
            cuts.add((int) f.end());
        }
        for (int i = 0; i < 300; i++) {
            cuts.add(random.nextInt(length + 1));
        }
        cuts.add(length);
        return cuts;
    }

    private static void checkTruncated(String name, byte[] part, List<Vectors.Frame> all, byte[] whole) throws IOException {
        Read read = readAll(part);
        assertThat(read.error()).as("%s cut at %d", name, part.length).isNull();
        List<Vectors.Frame> expected = all.stream().filter(f -> f.end() <= part.length).toList();
        assertThat(read.frames()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(same(read.frames().get(i), expected.get(i))).isTrue();
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FileTools.decode(ByteSource.of(part), FileTools.Format.NDJSON, false, out, new PrintStream(err), name);
        if (part.length >= Layout.HEADER_SIZE) {
            assertThat(status).as("decode status of %s cut at %d", name, part.length).isEqualTo(FileTools.OK);
            assertThat(whole).startsWith(out.toByteArray());
        } else {
            assertThat(status).isEqualTo(FileTools.CORRUPT);
        }
        Verifier.Report rep = Verifier.verify(ByteSource.of(part));
        if (part.length >= Layout.HEADER_SIZE) {
            assertThat(rep.verdict()).isIn(Verifier.Verdict.CLEAN, Verifier.Verdict.TORN);
            assertThat(rep.messages()).isEqualTo(expected.size());
        }
    }

    @Test
    void flippedBitsNeverCrashAndKeepEveryMessageBeforeTheDamage() throws IOException {
        Random random = new Random(20261122);
        for (int i = 0; i < 3000; i++) {
            String name = VECTORS.get(random.nextInt(VECTORS.size()));
            byte[] full = Vectors.ss(name);
            checkFlipped(name, full, random.nextInt(full.length), random.nextInt(8));
        }
    }

    @Test
    void everyBitOfTheSmallestVectorFlipped() throws IOException {
        String name = VECTORS.stream().min((a, b) -> Integer.compare(ss(a).length, ss(b).length)).orElseThrow();
        byte[] full = Vectors.ss(name);
        for (int pos = 0; pos < full.length; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                checkFlipped(name, full, pos, bit);
            }
        }
    }

    private static byte[] ss(String name) {
        return Vectors.ss(name);
    }

    private static void checkFlipped(String name, byte[] full, int pos, int bit) throws IOException {
        byte[] bad = full.clone();
        bad[pos] ^= (byte) (1 << bit);
        List<Vectors.Frame> all = Vectors.frames(full);
        int damaged = 0;
        while (damaged < all.size() && all.get(damaged).end() <= pos) {
            damaged++;
        }
        Read read = readAll(bad);
        if (read.error() != null) {
            assertThat(read.error().offset()).isBetween(0L, (long) bad.length);
            assertThat(read.error().getMessage()).contains("at byte offset " + read.error().offset());
        }
        assertThat(read.frames().size()).isLessThanOrEqualTo(all.size());
        for (int i = 0; i < Math.min(damaged, read.frames().size()); i++) {
            assertThat(same(read.frames().get(i), all.get(i))).as("frame %d before the damage at %d", i, pos).isTrue();
        }
        if (pos >= Layout.HEADER_SIZE) {
            assertThat(read.frames().size()).as("frames before the damage at %d", pos)
                    .isGreaterThanOrEqualTo(Math.min(damaged, all.size()) - (read.error() == null ? 1 : 0));
        }
        for (int i = damaged + 1; i < read.frames().size(); i++) {
            assertThat(Arrays.equals(read.frames().get(i).payload(), all.get(i).payload())).isTrue();
        }

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FileTools.decode(ByteSource.of(bad), FileTools.Format.LOG, false, new ByteArrayOutputStream(),
                new PrintStream(err), name);
        assertThat(status).isIn(FileTools.OK, FileTools.CORRUPT);
        Verifier.Report rep = Verifier.verify(ByteSource.of(bad));
        assertThat(rep.verdict()).isNotNull();
    }
}
