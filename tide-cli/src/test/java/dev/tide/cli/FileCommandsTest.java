package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConnectOptions;
import dev.tide.Producer;
import dev.tide.Streamer;
import dev.tide.file.FileOptions;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tide decode / verify / repair / tail on a .ss file written by the file backend. */
class FileCommandsTest {

    @TempDir
    Path dir;

    private Path writeFile(boolean eos) {
        Path file = dir.resolve("events.ss");
        ConnectOptions opts = ConnectOptions.defaults().with(FileOptions.CREATE, FileOptions.CreateMode.IF_MISSING)
                .with(FileOptions.END_WITH_EOS, eos);
        try (Streamer s = Streamer.connect("file://" + file + "/events", opts)) {
            Producer p = s.producer();
            CompletableFuture<?> last = null;
            for (int i = 0; i < 3; i++) {
                last = p.send("{\"b\":" + i + ",\"a\":true}");
            }
            last.orTimeout(10, TimeUnit.SECONDS).join();
        }
        return file;
    }

    @Test
    void decode_prints_ss_decode_log_and_ndjson() {
        Path file = writeFile(true);
        Cli.Result log = Cli.run("decode", "--file", file.toString());
        assertThat(log.status()).as(log.err()).isZero();
        assertThat(log.outLines()).hasSize(5);
        assertThat(log.outLines().get(0)).startsWith("# {\"file_name\":\"events.ss\",\"created_at\":\"")
                .endsWith("\",\"beacon_interval\":1048576}");
        assertThat(log.outLines().get(1)).matches("\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+ \\| events \\| 1 \\| 0\\] "
                + "\\{\"b\":0,\"a\":true\\}");
        assertThat(log.outLines().get(4)).endsWith("| SEA_STREAMER_INTERNAL | 0 | 0] EOS");

        Cli.Result nd = Cli.run("decode", "--file", file.toString(), "--format", "ndjson", "--header-only");
        assertThat(nd.status()).isZero();
        assertThat(nd.outLines().get(0)).startsWith("/* {\"file_name\":").endsWith("} */");
        assertThat(nd.outLines().get(2)).contains("\"sequence\":2").endsWith(",\"payload\":null}");

        Cli.Result json = Cli.run("decode", "--file", file.toString(), "--format", "ndjson");
        assertThat(json.outLines().get(1)).endsWith(",\"payload\":{\"a\":true,\"b\":0}}");
    }

    @Test
    void verify_and_repair_a_torn_tail() throws IOException {
        Path file = writeFile(false);
        assertThat(Cli.run("verify", "--file", file.toString()).status()).isZero();
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size - 5);
        }
        Cli.Result torn = Cli.run("verify", "--file", file.toString());
        assertThat(torn.status()).isEqualTo(3);
        assertThat(torn.out()).contains("torn tail at byte offset");
        Cli.Result repaired = Cli.run("repair", "--file", file.toString());
        assertThat(repaired.status()).as(repaired.out()).isZero();
        assertThat(Cli.run("verify", "--file", file.toString()).out()).contains("ok: 2 messages");
    }

    @Test
    void repair_refuses_damage_in_the_middle_unless_salvaging() throws IOException {
        Path file = writeFile(false);
        byte[] bytes = Files.readAllBytes(file);
        bytes[128 + 40] ^= 0x01; // the first frame's payload
        Files.write(file, bytes);
        assertThat(Cli.run("verify", "--file", file.toString()).status()).isEqualTo(4);
        assertThat(Cli.run("decode", "--file", file.toString()).status()).isEqualTo(4);
        Cli.Result refused = Cli.run("repair", "--file", file.toString());
        assertThat(refused.status()).isEqualTo(4);
        assertThat(refused.out()).contains("--salvage");
        assertThat(Cli.run("repair", "--file", file.toString(), "--salvage").status()).isZero();
        assertThat(Cli.run("verify", "--file", file.toString()).out()).contains("ok: 2 messages");
    }

    @Test
    void tail_from_the_start_prints_until_the_end_of_stream() {
        Path file = writeFile(true);
        Cli.Result r = Cli.run("tail", "--file", file.toString(), "--from-start");
        assertThat(r.status()).isZero();
        assertThat(r.outLines()).hasSize(4);
        assertThat(r.outLines().get(3)).endsWith("] EOS");
    }

    @Test
    void decode_of_a_missing_file_fails_with_one_line() {
        Cli.Result r = Cli.run("decode", "--file", dir.resolve("nope.ss").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
    }
}
