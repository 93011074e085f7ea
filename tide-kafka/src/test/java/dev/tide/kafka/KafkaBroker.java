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
 * {@value #SASL_PASSWORD}, SCRAM users are created by the tests.
 */
final class KafkaBroker {

    static final String SASL_USER = "alice";
    static final String SASL_PASSWORD = "alice-secret";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static KafkaBroker shared;

    private final Process process;
    private final Path dir;
    private final int port;
    private final int saslPort;

    private KafkaBroker(Process process, Path dir, int port, int saslPort) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.saslPort = saslPort;
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
            Path config = dir.resolve("server.properties");
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", "1");
            p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort
                    + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("listener.security.protocol.map",
                    "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
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
            KafkaBroker broker = new KafkaBroker(process, dir, port, saslPort);
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
