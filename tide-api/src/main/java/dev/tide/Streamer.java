package dev.tide;

import dev.tide.spi.StreamerProvider;
import java.util.Collection;
import java.util.List;

/**
 * A connection to a streaming backend, chosen at run time by the URI's scheme:
 * <pre>{@code
 * try (Streamer streamer = Streamer.connect("mem:///orders")) {
 *     Producer producer = streamer.producer();      // anchored to "orders"
 *     Consumer consumer = streamer.consumer(ConsumerOptions.realTime());
 * }
 * }</pre>
 * Backends register a {@link StreamerProvider} with {@link java.util.ServiceLoader}. Thread-safe.
 */
public interface Streamer extends AutoCloseable {

    /**
     * Connects with default options.
     *
     * @param uri {@code proto://nodes} or {@code proto://nodes/key1,key2}
     * @return the connection
     * @throws StreamException {@link StreamException.Kind#INVALID_URI} for a malformed URI or a scheme no
     *     backend on the class path handles; {@link StreamException.Kind#CONNECT} if the backend cannot
     *     be reached within the connect timeout
     */
    static Streamer connect(String uri) {
        return connect(uri, ConnectOptions.defaults());
    }

    /**
     * Connects.
     *
     * @param uri {@code proto://nodes} or {@code proto://nodes/key1,key2}
     * @param options the connect timeout and backend options
     * @return the connection
     * @throws StreamException as {@link #connect(String)}
     */
    static Streamer connect(String uri, ConnectOptions options) {
        return connect(StreamUrl.parseAny(uri), options);
    }

    /**
     * Connects.
     *
     * @param url the backend and the default streams
     * @param options the connect timeout and backend options
     * @return the connection
     * @throws StreamException as {@link #connect(String)}
     */
    static Streamer connect(StreamUrl url, ConnectOptions options) {
        return Backends.provider(url).connect(url, options);
    }

    /** The schemes of the backends on the class path, sorted. */
    static List<String> schemes() {
        return Backends.schemes();
    }

    /** The URL this streamer was connected with; its keys are the default streams. */
    StreamUrl url();

    /**
     * Creates a producer that is not anchored: every send names its stream.
     *
     * @param options backend options
     * @return the producer
     */
    Producer producer(ProducerOptions options);

    /**
     * Creates a producer anchored to a stream.
     *
     * @param key the stream {@link Producer#send(byte[])} sends to
     * @param options backend options
     * @return the producer
     */
    Producer producer(StreamKey key, ProducerOptions options);

    /**
     * Creates a consumer of the given streams.
     *
     * @param keys the streams, at least one
     * @param options the mode, group, start position and backend options
     * @return the consumer
     * @throws StreamException {@link StreamException.Kind#STREAM_KEY_EMPTY} for no stream,
     *     {@link StreamException.Kind#CONSUMER_GROUP_IS_SET} / {@link StreamException.Kind#CONSUMER_GROUP_NOT_SET}
     *     when the group does not fit the mode, {@link StreamException.Kind#UNSUPPORTED} for a mode the
     *     backend lacks
     */
    Consumer consumer(Collection<StreamKey> keys, ConsumerOptions options);

    /**
     * Creates a producer anchored to this URL's stream when it names exactly one, else unanchored.
     *
     * @return the producer
     */
    default Producer producer() {
        List<StreamKey> keys = url().keys();
        return keys.size() == 1 ? producer(keys.get(0), ProducerOptions.defaults()) : producer(ProducerOptions.defaults());
    }

    /**
     * Creates a consumer of this URL's streams.
     *
     * @param options the mode, group, start position and backend options
     * @return the consumer
     * @throws StreamException {@link StreamException.Kind#STREAM_KEY_EMPTY} if the URL names no stream
     */
    default Consumer consumer(ConsumerOptions options) {
        return consumer(url().keys(), options);
    }

    /**
     * Closes the connection. Producers are flushed; consumers fail with
     * {@link StreamException.Kind#CLOSED}. Closing twice does nothing.
     */
    @Override
    void close();
}
