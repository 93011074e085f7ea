package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * tide trim's options and errors. Trimming itself ({@code dev.tide.redis.RedisTools}) is tested against a
 * real redis-server in tide-redis.
 */
class TrimCommandTest {

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void anUnreachableServerIsOneErrorLineNamingIt() throws IOException {
        int port = closedPort();
        Cli.Result r = Cli.run("trim", "--stream", "redis://127.0.0.1:" + port + "/orders", "--max-len", "10",
                "--connect-timeout", "1s");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("tide trim: ").contains("127.0.0.1:" + port);
    }

    @Test
    void exactlyOneLimitIsRequired() {
        assertThat(Cli.run("trim", "--stream", "redis://127.0.0.1/orders").status()).isEqualTo(2);
        Cli.Result both = Cli.run("trim", "--stream", "redis://127.0.0.1/orders", "--max-len", "1",
                "--min-ts", "2024-01-01T00:00:00");
        assertThat(both.status()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void badValuesAreUsageErrors() {
        Cli.Result notRedis = Cli.run("trim", "--stream", "mem:///orders", "--max-len", "1");
        assertThat(notRedis.status()).isEqualTo(2);
        assertThat(notRedis.err()).contains("redis://");
        Cli.Result badTime = Cli.run("trim", "--stream", "redis://127.0.0.1/orders", "--min-ts", "yesterday");
        assertThat(badTime.status()).isEqualTo(2);
        assertThat(badTime.err()).contains("yesterday");
        Cli.Result negative = Cli.run("trim", "--stream", "redis://127.0.0.1/orders", "--max-len", "-1");
        assertThat(negative.status()).isEqualTo(2);
        Cli.Result noKey = Cli.run("trim", "--stream", "redis://127.0.0.1/", "--max-len", "1");
        assertThat(noKey.status()).isEqualTo(2);
        assertThat(noKey.err()).contains("names no stream");
    }

    @Test
    void helpDescribesTheCommand() {
        Cli.Result help = Cli.run("trim", "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("--max-len").contains("--min-ts").contains("--exact").contains("XTRIM");
    }
}
