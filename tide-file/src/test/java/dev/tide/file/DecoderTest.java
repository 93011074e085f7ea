package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class DecoderTest {

    @TempDir
    Path dir;

    private byte[] decode(String name, FileTools.Format format, boolean headerOnly) throws IOException {
        Path file = dir.resolve(name + ".ss");
        Files.write(file, Vectors.ss(name));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FileTools.decode(file, format, headerOnly, new PrintStream(out), new PrintStream(err));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(FileTools.OK);
        return out.toByteArray();
    }

    @ParameterizedTest
    @FieldSource("dev.tide.file.Vectors#ALL")
    void logIsByteForByteSsDecode(String name) throws IOException {
        assertThat(decode(name, FileTools.Format.LOG, false)).isEqualTo(Vectors.bytes(name + ".rsdecode.log"));
    }

    @ParameterizedTest
    @FieldSource("dev.tide.file.Vectors#ALL")
    void ndjsonIsByteForByteSsDecode(String name) throws IOException {
        assertThat(new String(decode(name, FileTools.Format.NDJSON, false), StandardCharsets.UTF_8))
                .isEqualTo(Vectors.text(name + ".rsdecode.ndjson"));
        assertThat(decode(name, FileTools.Format.NDJSON, false)).isEqualTo(Vectors.bytes(name + ".rsdecode.ndjson"));
    }

    @ParameterizedTest
    @FieldSource("dev.tide.file.Vectors#WITH_HEADER_ONLY")
    void headerOnlyIsByteForByteSsDecode(String name) throws IOException {
        assertThat(decode(name, FileTools.Format.LOG, true)).isEqualTo(Vectors.bytes(name + ".rsdecode.headeronly.log"));
    }
}
