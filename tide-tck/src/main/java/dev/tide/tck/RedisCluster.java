package dev.tide.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real 3-master Redis Cluster for tests: three {@code redis-server --cluster-enabled yes} processes on
 * free loopback ports, each in its own directory, joined with {@code redis-cli --cluster create
 * … --cluster-replicas 0}. {@link #start()} returns once every node reports {@code cluster_state:ok}.
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.start()) {
 *     Streamer streamer = Streamer.connect(cluster.uri() + "/orders");
 *     int slot = RedisCluster.slot("orders:1");
 *     cluster.migrateSlot(slot, cluster.nodeNotServing(slot));   // MOVED from now on
 * }
 * }</pre>
 * {@link #beginMigration} splits a migration into its steps, to exercise ASK redirections.
 */
public final class RedisCluster implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final List<RedisServer> nodes;

    private RedisCluster(Path root, List<RedisServer> nodes) {
        this.root = root;
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts three masters and forms the cluster.
     *
     * @return the ready cluster
     * @throws IllegalStateException if {@code redis-server} or {@code redis-cli} is missing, or the
     *     cluster does not form in time
     */
    public static RedisCluster start() {
        RedisServer.executable("redis-server");
        String cli = RedisServer.executable("redis-cli");
        Path root;
        try {
            root = Files.createTempDirectory("tide-redis-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the cluster", e);
        }
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Path dir = Files.createDirectories(root.resolve("node-" + i));
                nodes.add(RedisServer.startIn(dir, List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "5000")));
            }
            List<String> cmd = new ArrayList<>(List.of(cli, "--cluster", "create"));
            for (RedisServer n : nodes) {
                cmd.add(RedisServer.HOST + ":" + n.port());
            }
            cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Path out = root.resolve("create.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create did not finish:\n" + read(out));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed (" + p.exitValue() + "):\n" + read(out));
            }
            RedisCluster cluster = new RedisCluster(root, nodes);
            cluster.awaitReady();
            return cluster;
        } catch (IOException e) {
            nodes.forEach(RedisServer::close);
            RedisServer.deleteTree(root);
            throw new UncheckedIOException("cannot start the cluster", e);
        } catch (InterruptedException e) {
            nodes.forEach(RedisServer::close);
            RedisServer.deleteTree(root);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the cluster", e);
        } catch (RuntimeException e) {
            nodes.forEach(RedisServer::close);
            RedisServer.deleteTree(root);
            throw e;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output)";
        }
    }

    /** Waits until every node says {@code cluster_state:ok} and knows all three nodes and all slots. */
    public void awaitReady() {
        try {
            Awaitility.await("the cluster is ready").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .pollDelay(Duration.ZERO).ignoreExceptions()
                    .until(() -> nodes.stream().allMatch(n -> {
                        String info = String.valueOf(n.call("CLUSTER", "INFO"));
                        return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")
                                && info.contains("cluster_known_nodes:3");
                    }));
        } catch (ConditionTimeoutException e) {
            StringBuilder sb = new StringBuilder("the cluster did not become ready within " + READY_TIMEOUT);
            for (RedisServer n : nodes) {
                sb.append("\n--- node ").append(n.port()).append(":\n");
                try {
                    sb.append(n.call("CLUSTER", "INFO"));
                } catch (RuntimeException ex) {
                    sb.append(ex.getMessage());
                }
            }
            throw new IllegalStateException(sb.toString(), e);
        }
    }

    /** The three masters. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** {@code redis://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}, without a trailing slash or keys. */
    public String uri() {
        List<String> hosts = new ArrayList<>();
        for (RedisServer n : nodes) {
            hosts.add(RedisServer.HOST + ":" + n.port());
        }
        return "redis://" + String.join(",", hosts);
    }

    /** The node's cluster id ({@code CLUSTER MYID}). */
    public static String nodeId(RedisServer node) {
        return String.valueOf(node.call("CLUSTER", "MYID"));
    }

    /**
     * The node that serves a slot, as the first node sees it ({@code CLUSTER SLOTS}).
     *
     * @param slot 0 to 16383
     * @return the master of the slot
     */
    public RedisServer nodeForSlot(int slot) {
        long port = ownerSeenBy(nodes.get(0), slot);
        for (RedisServer n : nodes) {
            if (n.port() == port) {
                return n;
            }
        }
        throw new IllegalStateException("no node serves slot " + slot);
    }

    private static long ownerSeenBy(RedisServer node, int slot) {
        for (Object range : (List<?>) node.call("CLUSTER", "SLOTS")) {
            List<?> r = (List<?>) range;
            if (slot >= (Long) r.get(0) && slot <= (Long) r.get(1)) {
                return (Long) ((List<?>) r.get(2)).get(1);
            }
        }
        return -1;
    }

    /** Some node other than the one that serves {@code slot}. */
    public RedisServer nodeNotServing(int slot) {
        RedisServer owner = nodeForSlot(slot);
        return nodes.stream().filter(n -> n != owner).findFirst().orElseThrow();
    }

    /**
     * The hash slot of a key: CRC16 (XMODEM) of the key, or of its {@code {hash tag}}, modulo 16384.
     *
     * @param key the key
     * @return 0 to 16383
     */
    public static int slot(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        int end = b.length;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '{') {
                for (int j = i + 1; j < b.length; j++) {
                    if (b[j] == '}') {
                        if (j > i + 1) {
                            start = i + 1;
                            end = j;
                        }
                        break;
                    }
                }
                break;
            }
        }
        int crc = 0;
        for (int i = start; i < end; i++) {
            crc ^= (b[i] & 0xff) << 8;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                crc &= 0xffff;
            }
        }
        return crc & 16383;
    }

    /**
     * Moves a slot, with its keys, to another master, in one go (afterwards clients get MOVED).
     *
     * @param slot the slot
     * @param target the new master
     */
    public void migrateSlot(int slot, RedisServer target) {
        Migration m = beginMigration(slot, target);
        m.moveKeys();
        m.finish();
    }

    /**
     * Starts moving a slot: the target imports it, the source migrates it. Until
     * {@link Migration#moveKeys()}, keys still on the source are served there; keys already moved (or new
     * keys) are redirected with ASK.
     *
     * @param slot the slot
     * @param target the new master
     * @return the migration, to finish
     */
    public Migration beginMigration(int slot, RedisServer target) {
        RedisServer source = nodeForSlot(slot);
        if (source == target) {
            throw new IllegalArgumentException("slot " + slot + " is already served by " + target);
        }
        target.call("CLUSTER", "SETSLOT", slot, "IMPORTING", nodeId(source));
        source.call("CLUSTER", "SETSLOT", slot, "MIGRATING", nodeId(target));
        return new Migration(slot, source, target);
    }

    /** A slot migration in progress. */
    public final class Migration {
        private final int slot;
        private final RedisServer source;
        private final RedisServer target;

        private Migration(int slot, RedisServer source, RedisServer target) {
            this.slot = slot;
            this.source = source;
            this.target = target;
        }

        /** The node the slot leaves. */
        public RedisServer source() {
            return source;
        }

        /** The node the slot goes to. */
        public RedisServer target() {
            return target;
        }

        /** Moves every key of the slot from the source to the target (MIGRATE … KEYS). */
        public void moveKeys() {
            while (true) {
                List<?> keys = (List<?>) source.call("CLUSTER", "GETKEYSINSLOT", slot, 100);
                if (keys.isEmpty()) {
                    return;
                }
                List<Object> cmd = new ArrayList<>(List.of("MIGRATE", RedisServer.HOST, target.port(), "", 0, 10_000, "KEYS"));
                cmd.addAll(keys);
                source.call(cmd.toArray());
            }
        }

        /** Gives the slot to the target on every node (CLUSTER SETSLOT … NODE); clients now get MOVED. */
        public void finish() {
            String targetId = nodeId(target);
            target.call("CLUSTER", "SETSLOT", slot, "NODE", targetId);
            source.call("CLUSTER", "SETSLOT", slot, "NODE", targetId);
            for (RedisServer n : nodes) {
                if (n != source && n != target) {
                    n.call("CLUSTER", "SETSLOT", slot, "NODE", targetId);
                }
            }
            Awaitility.await("every node agrees slot " + slot + " moved").atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(20)).pollDelay(Duration.ZERO).ignoreExceptions()
                    .until(() -> nodes.stream().allMatch(n -> ownerSeenBy(n, slot) == target.port()));
        }
    }

    /** Stops the nodes and deletes their directories. */
    @Override
    public void close() {
        for (RedisServer n : nodes) {
            n.close();
        }
        RedisServer.deleteTree(root);
    }

    @Override
    public String toString() {
        return "RedisCluster[" + uri() + "]";
    }
}
