package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.MessageHeader;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SsFileWriterTest {

    @TempDir
    Path dir;

    private static MessageHeader header(String key, long shard, long seq, long ms) {
        return new MessageHeader(StreamKey.of(key), ShardId.of(shard), SeqNo.of(seq), Instant.ofEpochMilli(ms));
    }

    @Test
    void keepsEveryHeaderExactlyAndEndsWithEndOfStream() throws Exception {
        Path file = dir.resolve("dump.ss");
        try (SsFileWriter w = SsFileWriter.create(file, Instant.ofEpochMilli(1_700_000_000_000L), 1024)) {
            for (int i = 0; i < 200; i++) {
                w.write(header(i % 2 == 0 ? "a" : "b", i % 3, (1_700_000_000_000L + i) << 16 | 7, 1_700_000_000_000L + i),
                        ("payload " + i + " " + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(w.messages()).isEqualTo(200);
        }
        assertThat(Verifier.verify(ByteSource.of(Files.readAllBytes(file))).verdict()).isEqualTo(Verifier.Verdict.CLEAN);
        java.util.List<Vectors.Frame> frames = Vectors.frames(Files.readAllBytes(file));
        assertThat(frames).hasSize(201);
        for (int i = 0; i < 200; i++) {
            Vectors.Frame f = frames.get(i);
            assertThat(f.key()).isEqualTo(i % 2 == 0 ? "a" : "b");
            assertThat(f.shard()).isEqualTo(i % 3);
            assertThat(f.seq()).isEqualTo((1_700_000_000_000L + i) << 16 | 7);
            assertThat(f.ts()).isEqualTo(1_700_000_000_000L + i);
            assertThat(new String(f.payload(), StandardCharsets.UTF_8)).startsWith("payload " + i + " ");
        }
        assertThat(frames.get(200).key()).isEqualTo(StreamKey.INTERNAL);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = FileTools.decode(file, FileTools.Format.LOG, true, new PrintStream(out), new PrintStream(new ByteArrayOutputStream()));
        assertThat(status).isEqualTo(FileTools.OK);
    }

    @Test
    void refusesAnExistingFileTheReservedKeyAndWritesAfterClose() throws Exception {
        Path file = Files.writeString(dir.resolve("there.ss"), "x");
        assertThatThrownBy(() -> SsFileWriter.create(file, Instant.EPOCH, 1024))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.IO))
                .hasMessageContaining("there.ss");
        SsFileWriter w = SsFileWriter.create(dir.resolve("new.ss"), Instant.EPOCH, 1024);
        assertThatThrownBy(() -> w.write(header(StreamKey.INTERNAL, 0, 0, 0), new byte[0]))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_STREAM_KEY));
        w.close();
        w.close();
        assertThatThrownBy(() -> w.write(header("a", 0, 1, 0), new byte[0]))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CLOSED));
    }
}
