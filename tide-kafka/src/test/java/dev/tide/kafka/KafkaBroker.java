package dev.tide.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) for the tests, started once per
 * test JVM and shared by every test class of the module: {@link #shared()}.
 *
 * <p>It runs in a child JVM (this JVM's {@code java}, the test class path, main {@code kafka.Kafka}
 * after {@code kafka.tools.StorageTool format}), on free loopback ports, with a fresh log directory and
 * the single-node replication settings without which groups and transactions silently get nothing.
 * Its output goes to {@code target/kafka-broker/broker.log}. A shutdown hook kills it and deletes its
 * directory; {@link ParentWatchdog} ends it should this JVM die without running hooks.
 *
 * <p>Besides the plaintext listener it has a SASL_PLAINTEXT listener with the PLAIN and SCRAM-SHA-256
 * mechanisms ({@link #saslBootstrap()}); PLAIN knows the user {@value #SASL_USER} with password
 * {@value #SASL_PASSWORD}, SCRAM users are created by the tests. Two SSL listeners use a self-signed
 * broker certificate for {@code 127.0.0.1} that {@code keytool} generates at start-up: one that asks for
 * no client certificate ({@link #sslBootstrap()}) and one that requires the client certificate
 * {@link #clientKeystore()} ({@link #mutualTlsBootstrap()}). {@link #truststore()} trusts the broker's
 * certificate; every store is PKCS12 with the password {@value #STORE_PASSWORD}.
 */
final class KafkaBroker {

    static final String SASL_USER = "alice";
    static final String SASL_PASSWORD = "alice-secret";
    static final String STORE_PASSWORD = "tide-store-secret";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static KafkaBroker shared;

    private final Process process;
    private final Path dir;
    private final int port;
    private final int saslPort;
    private final int sslPort;
    private final int mtlsPort;

    private KafkaBroker(Process process, Path dir, int port, int saslPort, int sslPort, int mtlsPort) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.saslPort = saslPort;
        this.sslPort = sslPort;
        this.mtlsPort = mtlsPort;
    }

    /** The broker of this test JVM, started on first use. */
    static KafkaBroker shared() {
        LOCK.lock();
        try {
            if (shared == null) {
                shared = start();
                KafkaBroker broker = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "kafka-broker-stop"));
            }
            return shared;
        } finally {
            LOCK.unlock();
        }
    }

    /** {@code host:port} of the plaintext listener. */
    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** {@code host:port} of the SASL_PLAINTEXT listener. */
    String saslBootstrap() {
        return "127.0.0.1:" + saslPort;
    }

    /** {@code host:port} of the SSL listener that asks for no client certificate. */
    String sslBootstrap() {
        return "127.0.0.1:" + sslPort;
    }

    /** {@code host:port} of the SSL listener that requires the client certificate of {@link #clientKeystore()}. */
    String mutualTlsBootstrap() {
        return "127.0.0.1:" + mtlsPort;
    }

    /** A PKCS12 truststore with the broker's certificate. */
    Path truststore() {
        return dir.resolve("client-trust.p12");
    }

    /** A PKCS12 keystore with the client certificate that the mutual-TLS listener trusts. */
    Path clientKeystore() {
        return dir.resolve("client.p12");
    }

    /** The stream URL prefix of this broker: {@code kafka://127.0.0.1:port}. */
    String uri() {
        return "kafka://" + bootstrap();
    }

    /** A plain admin client of this broker; the caller closes it. */
    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    private static KafkaBroker start() {
        try {
            Path logDir = Path.of("target", "kafka-broker").toAbsolutePath();
            Files.createDirectories(logDir);
            Path dir = Files.createTempDirectory("tide-kafka-broker");
            int port = freePort();
            int controllerPort = freePort();
            int saslPort = freePort();
            int sslPort = freePort();
            int mtlsPort = freePort();
            makeStores(dir, logDir.resolve("keytool.log"));
            Path config = dir.resolve("server.properties");
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", "1");
            p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            String others = ",SASL_PLAINTEXT://127.0.0.1:" + saslPort + ",SSL://127.0.0.1:" + sslPort + ",MTLS://127.0.0.1:" + mtlsPort;
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort + others);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + others);
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("listener.security.protocol.map",
                    "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,MTLS:SSL");
            for (String listener : List.of("ssl", "mtls")) {
                String prefix = "listener.name." + listener + ".";
                p.setProperty(prefix + "ssl.keystore.location", dir.resolve("broker.p12").toString());
                p.setProperty(prefix + "ssl.keystore.type", "PKCS12");
                p.setProperty(prefix + "ssl.keystore.password", STORE_PASSWORD);
                p.setProperty(prefix + "ssl.key.password", STORE_PASSWORD);
            }
            p.setProperty("listener.name.ssl.ssl.client.auth", "none");
            p.setProperty("listener.name.mtls.ssl.client.auth", "required");
            p.setProperty("listener.name.mtls.ssl.truststore.location", dir.resolve("broker-trust.p12").toString());
            p.setProperty("listener.name.mtls.ssl.truststore.type", "PKCS12");
            p.setProperty("listener.name.mtls.ssl.truststore.password", STORE_PASSWORD);
            p.setProperty("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256");
            p.setProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                            + "password=\"admin-secret\" user_admin=\"admin-secret\" user_" + SASL_USER + "=\""
                            + SASL_PASSWORD + "\";");
            p.setProperty("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            p.setProperty("log.dirs", dir.resolve("data").toString());
            p.setProperty("offsets.topic.replication.factor", "1");
            p.setProperty("offsets.topic.num.partitions", "1");
            p.setProperty("transaction.state.log.replication.factor", "1");
            p.setProperty("transaction.state.log.min.isr", "1");
            p.setProperty("transaction.state.log.num.partitions", "1");
            p.setProperty("share.coordinator.state.topic.replication.factor", "1");
            p.setProperty("share.coordinator.state.topic.min.isr", "1");
            p.setProperty("default.replication.factor", "1");
            p.setProperty("min.insync.replicas", "1");
            p.setProperty("num.partitions", "1");
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            // Short session timeouts for the rebalance tests (the broker's minimum is 6 s by default).
            p.setProperty("group.min.session.timeout.ms", "1000");
            p.setProperty("group.consumer.min.session.timeout.ms", "1000");
            p.setProperty("group.consumer.min.heartbeat.interval.ms", "100");
            p.setProperty("auto.create.topics.enable", "true");
            try (var out = Files.newBufferedWriter(config)) {
                p.store(out, "single-node KRaft broker for the tide-kafka tests");
            }
            Path log4j = dir.resolve("log4j2.properties");
            Files.writeString(log4j, """
                    status = warn
                    appender.out.type = Console
                    appender.out.name = OUT
                    appender.out.layout.type = PatternLayout
                    appender.out.layout.pattern = [%d] %p %m (%c)%n
                    rootLogger.level = INFO
                    rootLogger.appenderRef.out.ref = OUT
                    logger.state.name = state.change.logger
                    logger.state.level = WARN
                    """);
            Path log = logDir.resolve("broker.log");
            // C1 only: the tests need a broker that starts fast on a busy 2-core machine, not peak speed.
            List<String> jvm = List.of("-Xms256m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dlog4j2.configurationFile=" + log4j.toUri(), "-Djava.awt.headless=true");
            String clusterId = Uuid.randomUuid().toString();
            Process format = ChildJvm.start(log, jvm, "kafka.tools.StorageTool",
                    "format", "-t", clusterId, "-c", config.toString());
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting the broker's storage failed; see " + log);
            }
            Process process = ChildJvm.start(log, jvm, "kafka.Kafka", config.toString());
            KafkaBroker broker = new KafkaBroker(process, dir, port, saslPort, sslPort, mtlsPort);
            try {
                broker.awaitUp(log);
            } catch (RuntimeException | InterruptedException e) {
                broker.stop();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the broker", e);
        }
    }

    /**
     * Generates the stores with the JDK's {@code keytool}: self-signed EC key pairs for the broker
     * ({@code 127.0.0.1}, which clients verify) and a client, and a truststore for each side holding the
     * other's certificate.
     */
    private static void makeStores(Path dir, Path log) throws IOException, InterruptedException {
        keytool(log, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "7",
                "-storetype", "PKCS12", "-keystore", dir.resolve("broker.p12").toString());
        keytool(log, "-exportcert", "-alias", "broker", "-keystore", dir.resolve("broker.p12").toString(),
                "-file", dir.resolve("broker.crt").toString());
        keytool(log, "-importcert", "-noprompt", "-alias", "broker", "-file", dir.resolve("broker.crt").toString(),
                "-storetype", "PKCS12", "-keystore", dir.resolve("client-trust.p12").toString());
        keytool(log, "-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=tide-test-client", "-validity", "7",
                "-storetype", "PKCS12", "-keystore", dir.resolve("client.p12").toString());
        keytool(log, "-exportcert", "-alias", "client", "-keystore", dir.resolve("client.p12").toString(),
                "-file", dir.resolve("client.crt").toString());
        keytool(log, "-importcert", "-noprompt", "-alias", "client", "-file", dir.resolve("client.crt").toString(),
                "-storetype", "PKCS12", "-keystore", dir.resolve("broker-trust.p12").toString());
    }

    private static void keytool(Path log, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", STORE_PASSWORD));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed; see " + log);
        }
    }

    private void awaitUp(Path log) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000",
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200"))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited with " + process.exitValue() + "; see " + log);
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker did not answer within " + START_TIMEOUT + "; see " + log, e);
                    }
                }
            }
        }
    }

    private void stop() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: the directory is under the temp dir
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
