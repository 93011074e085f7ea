package dev.tide.redis;

import dev.tide.ConnectOptions;
import dev.tide.StreamException;
import dev.tide.StreamUrl;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.UnblockType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection to a Redis server or cluster: the Lettuce clients and their Netty event loops, the
 * shared control connection, and factories for the dedicated connections of producers and readers.
 *
 * <p>Three kinds of connections: the <em>control</em> connection (one per streamer, multiplexed,
 * reconnects by itself) carries the short commands of consumers (XACK, XGROUP, XAUTOCLAIM, SCAN…);
 * each producer has its own connection with manual flushing for pipelining; each consumer reader has
 * its own plain connection to one node, without automatic reconnection, because it blocks in XREAD and
 * must know which server it is blocked on (to wake it with {@code CLIENT UNBLOCK}).
 */
final class RedisBackend implements AutoCloseable {

    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    static final int DEFAULT_PORT = 6379;

    /** A connection and its asynchronous commands, standalone or cluster. */
    record Link(StatefulConnection<String, byte[]> connection, RedisClusterAsyncCommands<String, byte[]> async) {
        void close() {
            if (connection.isOpen()) {
                connection.closeAsync();
            }
        }
    }

    /** A server, as {@code host:port}. */
    record Node(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    final StreamUrl url;
    final boolean cluster;
    final String field;
    final Duration connectTimeout;
    final Duration commandTimeout;
    final Duration reconnectTimeout;
    private final List<RedisURI> seeds;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final RedisClient nodeClient;
    final Link control;

    private RedisBackend(StreamUrl url, ConnectOptions options, List<RedisURI> seeds, boolean cluster,
            ClientResources resources, RedisClient client, RedisClusterClient clusterClient, RedisClient nodeClient,
            Link control) {
        this.url = url;
        this.cluster = cluster;
        this.field = options.get(RedisOptions.MESSAGE_FIELD);
        this.connectTimeout = options.timeout();
        this.commandTimeout = options.get(RedisOptions.COMMAND_TIMEOUT);
        this.reconnectTimeout = options.get(RedisOptions.RECONNECT_TIMEOUT);
        this.seeds = seeds;
        this.resources = resources;
        this.client = client;
        this.clusterClient = clusterClient;
        this.nodeClient = nodeClient;
        this.control = control;
    }

    /**
     * Connects: builds the clients, opens the control connection (which proves the server answers)
     * and, in {@code auto} mode with one node, asks it whether it is part of a cluster.
     *
     * @throws StreamException {@link StreamException.Kind#CONNECT} naming the address if no server
     *     answers within the connect timeout, {@link StreamException.Kind#INVALID_URI} for unusable nodes
     */
    static RedisBackend connect(StreamUrl url, ConnectOptions options) {
        RedisOptions.check(options);
        if (options.get(RedisOptions.MESSAGE_FIELD).isEmpty()) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION, "redis.message-field must not be empty");
        }
        String scheme = url.streamer().requireProtocol().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("rediss");
        List<RedisURI> seeds = new ArrayList<>();
        for (URI node : url.streamer().nodes()) {
            seeds.add(redisUri(node, tls, options, url));
        }
        String clusterMode = RedisOptions.choice(options, RedisOptions.CLUSTER, "auto", "true", "false");
        if (seeds.size() > 1 && clusterMode.equals("false")) {
            throw new StreamException(StreamException.Kind.INVALID_URI, "several nodes in " + url.streamer()
                    + " need a Redis Cluster; redis.cluster is false");
        }
        int io = Math.max(1, options.get(RedisOptions.IO_THREADS));
        ClientResources resources = ClientResources.builder()
                .ioThreadPoolSize(io)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .nettyCustomizer(new NettyCustomizer() {
                    @Override
                    public void afterChannelInitialized(Channel channel) {
                        // last handler: sees writes first and unpacks the producer's XADD batches
                        channel.pipeline().addLast(XaddBatch.Unpack.INSTANCE);
                    }
                })
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(options.timeout()).keepAlive(true).build();
        SslOptions ssl = tls ? sslOptions(options) : ClientOptions.DEFAULT_SSL_OPTIONS;
        Duration commandTimeout = options.get(RedisOptions.COMMAND_TIMEOUT);
        ClientOptions nodeOptions = ClientOptions.builder().socketOptions(socket).sslOptions(ssl)
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build();
        RedisClient nodeClient = RedisClient.create(resources);
        nodeClient.setOptions(nodeOptions);
        RedisClient client = null;
        RedisClusterClient clusterClient = null;
        Link control = null;
        try {
            boolean cluster = clusterMode.equals("true") || (clusterMode.equals("auto") && seeds.size() > 1);
            if (!cluster) {
                client = RedisClient.create(resources);
                client.setOptions(ClientOptions.builder().socketOptions(socket).sslOptions(ssl)
                        .timeoutOptions(TimeoutOptions.enabled(commandTimeout)).build());
                StatefulRedisConnection<String, byte[]> c = connectStandalone(client, seeds.get(0), options.timeout());
                if (clusterMode.equals("auto") && clusterEnabled(c, options.timeout(), seeds.get(0))) {
                    c.close();
                    client.shutdown(0, 2, TimeUnit.SECONDS);
                    client = null;
                    cluster = true;
                } else {
                    control = new Link(c, c.async());
                }
            }
            if (cluster) {
                if (options.get(RedisOptions.DB) != 0) {
                    throw new StreamException(StreamException.Kind.INVALID_OPTION,
                            "a Redis Cluster has only database 0; redis.db is " + options.get(RedisOptions.DB));
                }
                clusterClient = RedisClusterClient.create(resources, seeds);
                clusterClient.setOptions(ClusterClientOptions.builder().socketOptions(socket).sslOptions(ssl)
                        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                        .maxRedirects(16)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enableAllAdaptiveRefreshTriggers()
                                .adaptiveRefreshTriggersTimeout(Duration.ofMillis(100))
                                .build())
                        .build());
                StatefulRedisClusterConnection<String, byte[]> c = connectCluster(clusterClient, seeds, options.timeout(), url);
                control = new Link(c, c.async());
            }
            return new RedisBackend(url, options, seeds, cluster, resources, client, clusterClient, nodeClient, control);
        } catch (RuntimeException e) {
            if (control != null) {
                control.connection().close();
            }
            if (client != null) {
                client.shutdown(0, 2, TimeUnit.SECONDS);
            }
            if (clusterClient != null) {
                clusterClient.shutdown(0, 2, TimeUnit.SECONDS);
            }
            nodeClient.shutdown(0, 2, TimeUnit.SECONDS);
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static StreamException connectError(String where, Duration timeout, Throwable cause) {
        Throwable u = Errors.unwrap(cause);
        String detail = u.getMessage();
        if (u.getCause() != null && u.getCause().getMessage() != null && !u.getCause().getMessage().equals(detail)) {
            detail = detail + " (" + u.getCause().getMessage() + ")";
        }
        return new StreamException(StreamException.Kind.CONNECT, "cannot connect to " + where + " within " + timeout
                + ": " + detail, u);
    }

    private static StatefulRedisConnection<String, byte[]> connectStandalone(RedisClient client, RedisURI uri, Duration timeout) {
        try {
            return client.connectAsync(CODEC, uri).get(timeout.toNanos() + 500_000_000L, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "connecting to " + describe(uri));
        } catch (Exception e) {
            throw connectError(describe(uri), timeout, e);
        }
    }

    private static StatefulRedisClusterConnection<String, byte[]> connectCluster(RedisClusterClient client, List<RedisURI> seeds,
            Duration timeout, StreamUrl url) {
        try {
            return client.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(loaded -> client.connectAsync(CODEC))
                    .get(timeout.toNanos() + 500_000_000L, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "connecting to the cluster " + url.streamer());
        } catch (Exception e) {
            List<String> where = seeds.stream().map(RedisBackend::describe).toList();
            throw connectError("the Redis Cluster at " + String.join(", ", where), timeout, e);
        }
    }

    private static boolean clusterEnabled(StatefulRedisConnection<String, byte[]> c, Duration timeout, RedisURI uri) {
        String info = Errors.await(c.async().info("cluster"), timeout.plus(Duration.ofSeconds(1)),
                "asking " + describe(uri) + " whether it is part of a cluster");
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cluster_enabled:")) {
                return line.substring("cluster_enabled:".length()).strip().equals("1");
            }
        }
        return false;
    }

    private static SslOptions sslOptions(ConnectOptions options) {
        String ca = options.get(RedisOptions.TLS_CA);
        SslOptions.Builder b = SslOptions.builder().jdkSslProvider();
        if (!ca.isEmpty()) {
            File file = new File(ca);
            if (!file.isFile()) {
                throw new StreamException(StreamException.Kind.INVALID_OPTION, "redis.tls-ca: no such file: " + ca);
            }
            b.trustManager(file);
        }
        return b.build();
    }

    private static RedisURI redisUri(URI node, boolean tls, ConnectOptions options, StreamUrl url) {
        String text = node.toString();
        int sep = text.indexOf("://");
        String authority = sep < 0 ? text : text.substring(sep + 3);
        String host;
        int port;
        String userInfo = null;
        if (authority.equals(".")) {
            host = "127.0.0.1";
            port = DEFAULT_PORT;
        } else {
            host = node.getHost();
            port = node.getPort() < 0 ? DEFAULT_PORT : node.getPort();
            userInfo = node.getRawUserInfo();
            if (host == null || host.isEmpty() || (node.getRawPath() != null && !node.getRawPath().isEmpty())) {
                throw new StreamException(StreamException.Kind.INVALID_URI, "invalid Redis node \"" + authority + "\" in "
                        + url + ": expected host or host:port");
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
        }
        RedisURI.Builder b = RedisURI.builder().withHost(host).withPort(port).withSsl(tls)
                .withTimeout(options.get(RedisOptions.COMMAND_TIMEOUT))
                .withDatabase(options.get(RedisOptions.DB));
        if (tls) {
            b.withVerifyPeer(switch (RedisOptions.choice(options, RedisOptions.TLS_VERIFY, "full", "ca", "none")) {
                case "none" -> SslVerifyMode.NONE;
                case "ca" -> SslVerifyMode.CA;
                default -> SslVerifyMode.FULL;
            });
        }
        String user = options.get(RedisOptions.USERNAME);
        String password = options.get(RedisOptions.PASSWORD);
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String u = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String p = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
            if (user.isEmpty() && password.isEmpty()) {
                user = colon < 0 ? "" : u;
                password = colon < 0 ? u : p;
            }
        }
        if (!password.isEmpty()) {
            if (user.isEmpty()) {
                b.withPassword(password.toCharArray());
            } else {
                b.withAuthentication(user, password.toCharArray());
            }
        }
        return b.build();
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String describe(RedisURI uri) {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
    }

    /** The nodes as written in the URI, for messages. */
    String where() {
        List<String> out = seeds.stream().map(RedisBackend::describe).toList();
        return String.join(",", out);
    }

    // ------------------------------------------------------------------ connections

    /**
     * A new connection of its own, for a producer. Standalone: a plain connection that does not
     * reconnect by itself and rejects commands once lost, so the producer sees every failed command and
     * re-sends them in order on a new connection. Cluster: a cluster connection (Lettuce reconnects its
     * node connections and follows redirections).
     *
     * @throws StreamException {@link StreamException.Kind#CONNECT} if it cannot be opened
     */
    Link open() {
        if (cluster) {
            StatefulRedisClusterConnection<String, byte[]> c = connectCluster(clusterClient, seeds, connectTimeout, url);
            return new Link(c, c.async());
        }
        StatefulRedisConnection<String, byte[]> c = connectStandalone(nodeClient, seeds.get(0), connectTimeout);
        return new Link(c, c.async());
    }

    /**
     * A new plain connection to one node, without automatic reconnection, for a reader.
     *
     * @throws StreamException {@link StreamException.Kind#CONNECT} if it cannot be opened
     */
    StatefulRedisConnection<String, byte[]> openNode(Node node) {
        RedisURI uri = RedisURI.builder(seeds.get(0)).withHost(node.host()).withPort(node.port()).build();
        return connectStandalone(nodeClient, uri, connectTimeout);
    }

    /** The node that serves {@code key}: the server, or in a cluster the master of the key's slot as last known. */
    Node nodeFor(String key) {
        if (!cluster) {
            return new Node(seeds.get(0).getHost(), seeds.get(0).getPort());
        }
        RedisClusterNode owner = clusterClient.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
        if (owner == null) {
            refreshTopology();
            owner = clusterClient.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
        }
        if (owner == null) {
            throw new StreamException(StreamException.Kind.CONNECT, "no cluster node serves the slot of " + key
                    + " (slot " + SlotHash.getSlot(key) + ")");
        }
        return new Node(owner.getUri().getHost(), owner.getUri().getPort());
    }

    /** The cluster slot of a key (0 when not clustered: everything is served together). */
    int slotOf(String key) {
        return cluster ? SlotHash.getSlot(key) : 0;
    }

    /** Reloads the cluster's slot map (after a MOVED reply). Blocks until done. */
    void refreshTopology() {
        if (cluster) {
            try {
                clusterClient.refreshPartitions();
            } catch (RuntimeException e) {
                // the next command will tell again; the reader retries with back-off
            }
        }
    }

    /**
     * Asks a node to wake a client blocked in XREAD (as if its BLOCK timed out).
     *
     * @return completes with true if a blocked client was woken
     */
    @SuppressWarnings("unchecked")
    CompletableFuture<Boolean> unblock(Node node, long clientId) {
        if (!cluster) {
            return control.async().clientUnblock(clientId, UnblockType.TIMEOUT).toCompletableFuture().thenApply(n -> n != null && n > 0);
        }
        StatefulRedisClusterConnection<String, byte[]> c = (StatefulRedisClusterConnection<String, byte[]>) control.connection();
        return c.getConnectionAsync(node.host(), node.port())
                .thenCompose(nc -> nc.async().clientUnblock(clientId, UnblockType.TIMEOUT).toCompletableFuture())
                .thenApply(n -> n != null && n > 0);
    }

    /**
     * The stream keys matching a glob pattern, on every master. Blocks.
     *
     * @throws StreamException if the scan fails
     */
    Set<String> scanStreams(String pattern) {
        Set<String> out = new LinkedHashSet<>();
        KeyScanArgs args = KeyScanArgs.Builder.matches(pattern).limit(1000).type("stream");
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = Errors.await(control.async().scan(cursor, args), commandTimeout,
                    "scanning for " + pattern + " on " + where());
            out.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return out;
    }

    @Override
    public void close() {
        control.connection().close();
        if (client != null) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
        if (clusterClient != null) {
            clusterClient.shutdown(0, 2, TimeUnit.SECONDS);
        }
        nodeClient.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
