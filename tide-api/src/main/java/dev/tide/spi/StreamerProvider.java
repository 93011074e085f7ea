package dev.tide.spi;

import dev.tide.ConnectOptions;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import java.util.Set;

/**
 * A backend, found with {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/dev.tide.spi.StreamerProvider}. {@link Streamer#connect(String)} picks the
 * provider whose {@link #schemes()} contain the URI's scheme.
 */
public interface StreamerProvider {

    /** The URI schemes this backend handles, such as {@code redis} and {@code rediss}. */
    Set<String> schemes();

    /**
     * Connects to the backend.
     *
     * @param url the nodes and default streams; its scheme is one of {@link #schemes()}
     * @param options the connect timeout and backend options
     * @return the connection
     * @throws dev.tide.StreamException {@link dev.tide.StreamException.Kind#CONNECT} if the backend
     *     cannot be reached within the timeout, {@link dev.tide.StreamException.Kind#INVALID_URI} if the
     *     nodes do not suit the backend
     */
    Streamer connect(StreamUrl url, ConnectOptions options);
}
