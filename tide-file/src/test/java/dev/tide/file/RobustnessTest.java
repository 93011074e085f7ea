package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Damaged files never crash a reader, the decoder or the verifier: truncated anywhere, they give back
 * every complete message and end cleanly; with any bit flipped, they give back every message before the
 * damaged one intact and then either end or fail with a {@link SsFormatException} naming an offset in
 * the file.
 */
class RobustnessTest {

    @Provide
    Arbitrary<String> vector() {
        return Arbitraries.of(Vectors.ALL);
    }

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

    @Property(tries = 400)
    void truncatedFilesGiveEveryCompleteMessageAndEndCleanly(@ForAll("vector") String name,
            @ForAll @IntRange(min = 0, max = 9000) int cut) throws IOException {
        byte[] full = Vectors.ss(name);
        byte[] part = Arrays.copyOf(full, Math.min(cut, full.length));
        List<Vectors.Frame> all = Vectors.frames(full);
        Read read = readAll(part);
        assertThat(read.error()).isNull();
        List<Vectors.Frame> expected = all.stream().filter(f -> f.end() <= part.length).toList();
        assertThat(read.frames()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(same(read.frames().get(i), expected.get(i))).isTrue();
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FileTools.decode(ByteSource.of(part), FileTools.Format.NDJSON, false, out, new PrintStream(err), name);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        FileTools.decode(ByteSource.of(full), FileTools.Format.NDJSON, false, whole, new PrintStream(err), name);
        if (part.length >= Layout.HEADER_SIZE) {
            assertThat(status).isEqualTo(FileTools.OK);
            assertThat(whole.toByteArray()).startsWith(out.toByteArray());
        } else {
            assertThat(status).isEqualTo(FileTools.CORRUPT);
        }
        Verifier.Report rep = Verifier.verify(ByteSource.of(part));
        if (part.length >= Layout.HEADER_SIZE) {
            assertThat(rep.verdict()).isIn(Verifier.Verdict.CLEAN, Verifier.Verdict.TORN);
            assertThat(rep.messages()).isEqualTo(expected.size());
        }
    }

    @Property(tries = 1500)
    void flippedBitsNeverCrashAndKeepEveryMessageBeforeTheDamage(@ForAll("vector") String name,
            @ForAll @IntRange(min = 0, max = 9000) int at, @ForAll @IntRange(min = 0, max = 7) int bit)
            throws IOException {
        byte[] full = Vectors.ss(name);
        byte[] bad = full.clone();
        int pos = at % full.length;
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
