package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConnectOptions;
import dev.tide.Producer;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ToolsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @ParameterizedTest
    @FieldSource("dev.tide.file.Vectors#ALL")
    void everyVectorVerifiesClean(String name) throws IOException {
        Path p = write(name + ".ss", Vectors.ss(name));
        assertThat(FileTools.verify(p, print)).as(output()).isEqualTo(FileTools.OK);
        assertThat(output()).doesNotContain("warning").contains(": ok: " + Vectors.frames(Vectors.ss(name)).size() + " messages");
    }

    @Test
    void aTornTailIsReportedAndCutBackToTheLastCompleteFrame() throws IOException {
        byte[] full = Vectors.ss("consumer");
        List<Vectors.Frame> frames = Vectors.frames(full);
        Vectors.Frame f = frames.get(50);
        Path p = write("torn.ss", Arrays.copyOf(full, (int) f.end() - 3));
        assertThat(FileTools.verify(p, print)).isEqualTo(FileTools.TORN);
        assertThat(output()).contains("torn tail at byte offset " + frames.get(49).end());
        assertThat(FileTools.repair(p, false, print)).isEqualTo(FileTools.OK);
        assertThat(Files.size(p)).isEqualTo(frames.get(49).end());
        assertThat(Vectors.frames(Files.readAllBytes(p))).hasSize(50);
        assertThat(FileTools.verify(p, print)).isEqualTo(FileTools.OK);
    }

    @Test
    void zeroBytesAfterACrashAreATornTail() throws IOException {
        byte[] full = Vectors.ss("quicksort");
        byte[] padded = Arrays.copyOf(full, full.length + 4096);
        Path p = write("zeros.ss", padded);
        assertThat(FileTools.verify(p, print)).isEqualTo(FileTools.TORN);
        assertThat(FileTools.repair(p, false, print)).isEqualTo(FileTools.OK);
        assertThat(Files.readAllBytes(p)).isEqualTo(full);
    }

    @Test
    void midFileDamageIsRefusedUnlessSalvaged() throws IOException {
        byte[] bad = Vectors.ss("consumer");
        List<Vectors.Frame> frames = Vectors.frames(bad);
        Vectors.Frame f = frames.get(30);
        bad[(int) f.end() - 5] ^= 0x40; // inside the payload of frame 30
        Path p = write("bad.ss", bad);
        assertThat(FileTools.verify(p, print)).isEqualTo(FileTools.CORRUPT);
        assertThat(output()).contains("corrupt at byte offset " + f.start()).contains("checksum mismatch");
        assertThat(FileTools.repair(p, false, print)).isEqualTo(FileTools.CORRUPT);
        assertThat(output()).contains("refusing");
        assertThat(FileTools.repair(p, true, print)).as(output()).isEqualTo(FileTools.OK);
        List<Vectors.Frame> kept = Vectors.frames(Files.readAllBytes(p));
        assertThat(kept).hasSize(frames.size() - 2); // the damaged frame and the end-of-stream marker
        assertThat(kept).extracting(Vectors.Frame::seq).doesNotContain(30L).contains(29L, 31L, 99L);
        assertThat(FileTools.verify(p, print)).isEqualTo(FileTools.OK);
    }

    @Test
    void decodeReportsCorruptionWithItsOffsetAfterPrintingWhatCameBefore() throws IOException {
        byte[] bad = Vectors.ss("producer-api");
        List<Vectors.Frame> frames = Vectors.frames(bad);
        bad[(int) frames.get(3).end() - 4] ^= 1;
        Path p = write("bad.ss", bad);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FileTools.decode(p, FileTools.Format.LOG, false, print, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(FileTools.CORRUPT);
        assertThat(output().lines()).hasSize(1 + 3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("at byte offset " + frames.get(3).start());
    }

    @Test
    void tailFollowsTheFileUntilTheEndOfStream() throws Exception {
        Path file = dir.resolve("tail.ss");
        ConnectOptions opts = ConnectOptions.defaults().with(FileOptions.CREATE, FileOptions.CreateMode.IF_MISSING)
                .with(FileOptions.END_WITH_EOS, true);
        Streamer s = Streamer.connect("file://" + file + "/t", opts);
        Producer p = s.producer();
        p.send("before").join();
        AtomicInteger status = new AtomicInteger(-1);
        Thread t = Thread.ofVirtual().start(() -> status.set(FileTools.tail(file, false, print, print)));
        // the tail starts at the end whenever its thread gets there: send until it shows one
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            p.send("one").join();
            return output().contains("] one");
        });
        p.send("two").join();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> output().contains("] two"));
        s.close();
        t.join(Duration.ofSeconds(10));
        assertThat(status.get()).isEqualTo(FileTools.OK);
        assertThat(output()).doesNotContain("before").contains(" | 0] one", " | 0] two",
                "| " + StreamKey.INTERNAL + " | 0 | 0] EOS");
    }
}
