package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import dev.tide.tck.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Addresses, authentication, databases and TLS. */
class ConnectTest extends RedisTestSupport {

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void anUnreachableServerIsAConnectErrorNamingTheAddress() throws IOException {
        int port = closedPort();
        ConnectOptions options = ConnectOptions.defaults().timeout(Duration.ofSeconds(1));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertThatThrownBy(() -> Streamer.connect("redis://127.0.0.1:" + port + "/orders", options))
                        .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CONNECT))
                        .hasMessageContaining("127.0.0.1:" + port));
    }

    @Test
    void aServerIsFoundByScheme() {
        try (Streamer streamer = Streamer.connect(redis.uri() + "/a,b")) {
            assertThat(streamer).hasToString("RedisStreamer[" + redis.uri() + "/a,b]");
            assertThat(streamer.url().keys()).extracting(StreamKey::name).containsExactly("a", "b");
            assertThat(Streamer.schemes()).contains("redis", "rediss");
        }
    }

    @Test
    void severalNodesNeedACluster() {
        String two = "redis://127.0.0.1:" + redis.port() + ",127.0.0.1:" + redis.port() + "/";
        assertKind(StreamException.Kind.INVALID_URI, () -> Streamer.connect(two,
                ConnectOptions.defaults().with(RedisOptions.CLUSTER, "false")));
        assertThatThrownBy(() -> Streamer.connect(two, ConnectOptions.defaults().timeout(Duration.ofSeconds(2))))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CONNECT));
    }

    @Test
    void passwordsUsersAndUriCredentials() {
        try (RedisServer secured = RedisServer.start("--requirepass", "secret",
                "--user", "alice", "on", ">wonderland", "~*", "&*", "+@all")) {
            String base = "redis://127.0.0.1:" + secured.port();
            ConnectOptions quick = ConnectOptions.defaults().timeout(Duration.ofSeconds(2));
            assertThatThrownBy(() -> Streamer.connect(base + "/", quick))
                    .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CONNECT))
                    .hasMessageContaining(secured.port() + "");

            StreamKey key = newKey("auth");
            try (Streamer withPassword = Streamer.connect(base + "/", quick.with(RedisOptions.PASSWORD, "secret"));
                    Streamer asAlice = Streamer.connect(base + "/", quick.with(RedisOptions.USERNAME, "alice")
                            .with(RedisOptions.PASSWORD, "wonderland"));
                    Streamer fromUri = Streamer.connect("redis://alice:wonderland@127.0.0.1:" + secured.port() + "/", quick)) {
                RedisConsumer consumer = (RedisConsumer) withPassword.consumer(List.of(key),
                        ConsumerOptions.realTime().reset(StreamReset.EARLIEST));
                await(asAlice.producer(key, dev.tide.ProducerOptions.defaults()).send("from alice"));
                await(fromUri.producer(key, dev.tide.ProducerOptions.defaults()).send("from the uri"));
                assertThat(texts(receive(consumer, 2))).containsExactly("from alice", "from the uri");
            }
        }
    }

    @Test
    void theDatabaseOptionSelectsTheDatabase() {
        StreamKey key = newKey("db");
        Streamer streamer = connect(ConnectOptions.defaults().with(RedisOptions.DB, 3));
        await(producer(streamer).send(key, "in db 3"));
        assertThat(redis.call("EXISTS", key.name())).isEqualTo(0L);
        RedisClient client = RedisClient.create(redis.uri() + "/3");
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().xlen(key.name())).isEqualTo(1L);
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Test
    void tlsWithATrustedCaAndHostNameChecks(@TempDir Path dir) throws Exception {
        Certificates certs = Certificates.create(dir);
        int tlsPort = closedPort();
        try (RedisServer tls = RedisServer.start("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", certs.cert.toString(),
                "--tls-key-file", certs.key.toString(), "--tls-ca-cert-file", certs.ca.toString(), "--tls-auth-clients", "no")) {
            String uri = "rediss://127.0.0.1:" + tlsPort + "/";
            ConnectOptions quick = ConnectOptions.defaults().timeout(Duration.ofSeconds(3));
            StreamKey key = newKey("tls");

            try (Streamer trusted = Streamer.connect(uri, quick.with(RedisOptions.TLS_CA, certs.ca.toString()))) {
                RedisConsumer consumer = (RedisConsumer) trusted.consumer(List.of(key), ConsumerOptions.realTime());
                await(trusted.producer(key, dev.tide.ProducerOptions.defaults()).send("over tls"));
                assertThat(texts(receive(consumer, 1))).containsExactly("over tls");
            }
            assertThat(tls.call("XLEN", key.name())).isEqualTo(1L);
            // the JDK does not trust the test CA
            assertKind(StreamException.Kind.CONNECT, () -> Streamer.connect(uri, quick).close());
            try (Streamer unchecked = Streamer.connect(uri, quick.with(RedisOptions.TLS_VERIFY, "none"))) {
                assertThat(await(unchecked.producer(key, dev.tide.ProducerOptions.defaults()).send("unchecked")).key()).isEqualTo(key);
            }
        }
    }

    /** A CA and a server certificate for 127.0.0.1, made with openssl. */
    private record Certificates(Path ca, Path cert, Path key) {
        static Certificates create(Path dir) throws Exception {
            Path ca = dir.resolve("ca.pem");
            Path caKey = dir.resolve("ca.key");
            Path key = dir.resolve("server.key");
            Path csr = dir.resolve("server.csr");
            Path cert = dir.resolve("server.pem");
            Path ext = dir.resolve("ext.cnf");
            Files.writeString(ext, "subjectAltName=IP:127.0.0.1\n");
            run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out", ca.toString(),
                    "-days", "2", "-subj", "/CN=tide-test-ca");
            run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
                    "-subj", "/CN=127.0.0.1");
            run(dir, "openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                    "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
            return new Certificates(ca, cert, key);
        }

        private static void run(Path dir, String... cmd) throws Exception {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
            }
        }
    }
}
