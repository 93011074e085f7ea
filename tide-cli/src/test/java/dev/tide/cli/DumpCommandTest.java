package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.tck.RedisServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tide dump against a real redis-server, read back with tide decode. */
class DumpCommandTest {

    private static RedisServer redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void dumpsEveryShardInTimeOrderKeepingTheHeaders() {
        // Entries exactly as SeaStreamer writes them: field "msg", shard n of stream s at key s:n.
        redis.call("XADD", "orders", "1700000000000-0", "msg", "a");
        redis.call("XADD", "orders:1", "1700000000001-0", "msg", "b");
        redis.call("XADD", "orders", "1700000000002-3", "msg", "c");
        redis.call("XADD", "other", "1700000000003-0", "msg", "not asked for");
        Path out = dir.resolve("orders.ss");

        Cli.Result r = Cli.run("dump", "--stream", redis.uri() + "/orders", "--output", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("Dumped 3 messages");

        Cli.Result decoded = Cli.run("decode", "--file", out.toString(), "--format", "ndjson");
        assertThat(decoded.status()).as(decoded.err()).isZero();
        List<String> lines = decoded.outLines();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).contains("\"file_name\":\"orders.ss\"");
        assertThat(lines.get(1)).isEqualTo("{\"header\":{\"stream_key\":\"orders\",\"shard_id\":0,\"sequence\":"
                + (1700000000000L << 16) + ",\"timestamp\":\"2023-11-14T22:13:20.0\"},\"payload\":\"a\"}");
        assertThat(lines.get(2)).isEqualTo("{\"header\":{\"stream_key\":\"orders\",\"shard_id\":1,\"sequence\":"
                + ((1700000000001L << 16)) + ",\"timestamp\":\"2023-11-14T22:13:20.001\"},\"payload\":\"b\"}");
        assertThat(lines.get(3)).isEqualTo("{\"header\":{\"stream_key\":\"orders\",\"shard_id\":0,\"sequence\":"
                + ((1700000000002L << 16) | 3) + ",\"timestamp\":\"2023-11-14T22:13:20.002\"},\"payload\":\"c\"}");
        assertThat(lines.get(4)).contains("\"stream_key\":\"SEA_STREAMER_INTERNAL\"").contains("\"payload\":\"EOS\"");
    }

    @Test
    void sinceAndUntilAreInclusive() {
        redis.call("XADD", "ranged", "1700000001000-0", "msg", "before");
        redis.call("XADD", "ranged", "1700000002000-0", "msg", "first");
        redis.call("XADD", "ranged", "1700000003000-0", "msg", "last");
        redis.call("XADD", "ranged", "1700000004000-0", "msg", "after");
        Path out = dir.resolve("ranged.ss");
        Cli.Result r = Cli.run("dump", "--stream", redis.uri() + "/ranged", "--output", out.toString(),
                "--since", "2023-11-14T22:13:22", "--until", "2023-11-14T22:13:23");
        assertThat(r.status()).as(r.err()).isZero();
        Cli.Result decoded = Cli.run("decode", "--file", out.toString());
        assertThat(decoded.out()).contains("first").contains("last").doesNotContain("before").doesNotContain("after");
    }

    @Test
    void refusesToOverwriteAndReportsBadInputOnOneLine() throws Exception {
        Path existing = Files.writeString(dir.resolve("there.ss"), "keep me", StandardCharsets.UTF_8);
        Cli.Result r = Cli.run("dump", "--stream", redis.uri() + "/orders", "--output", existing.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("exists");
        assertThat(Files.readString(existing)).isEqualTo("keep me");

        Cli.Result badTime = Cli.run("dump", "--stream", redis.uri() + "/orders", "--output", dir.resolve("x.ss").toString(),
                "--since", "yesterday");
        assertThat(badTime.status()).isEqualTo(2);
        assertThat(badTime.err()).contains("yesterday");

        Cli.Result notRedis = Cli.run("dump", "--stream", "mem:///orders", "--output", dir.resolve("y.ss").toString());
        assertThat(notRedis.status()).isEqualTo(2);
        assertThat(notRedis.err()).contains("redis://");
    }
}
