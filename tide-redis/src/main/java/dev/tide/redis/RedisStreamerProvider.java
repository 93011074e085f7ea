package dev.tide.redis;

import dev.tide.ConnectOptions;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import dev.tide.spi.StreamerProvider;
import java.util.Set;

/**
 * The Redis Streams backend, for {@code redis://host[:port],…/keys} and {@code rediss://…} (TLS). Found by
 * {@link Streamer#connect(String)} through {@link java.util.ServiceLoader}; applications do not use this
 * class directly.
 *
 * <p>Entries are SeaStreamer's: {@code XADD <key> * msg <payload>}, shard {@code n} of stream {@code s}
 * at key {@code s:n}, sequence number {@code (ms << 16) | n} from the entry id {@code ms-n}, timestamp
 * {@code ms}. Several nodes (or one node of a cluster) connect to a Redis Cluster. Options are in
 * {@link RedisOptions}.
 */
public final class RedisStreamerProvider implements StreamerProvider {

    /** For {@link java.util.ServiceLoader}. */
    public RedisStreamerProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss");
    }

    /**
     * Connects. Blocks until the server (or the cluster's slot map) answered.
     *
     * @throws dev.tide.StreamException {@link dev.tide.StreamException.Kind#CONNECT} naming the address
     *     when no server answers within the connect timeout; {@link dev.tide.StreamException.Kind#INVALID_URI}
     *     or {@link dev.tide.StreamException.Kind#INVALID_OPTION} for unusable nodes or options
     */
    @Override
    public Streamer connect(StreamUrl url, ConnectOptions options) {
        return new RedisStreamerImpl(url, RedisBackend.connect(url, options));
    }
}
