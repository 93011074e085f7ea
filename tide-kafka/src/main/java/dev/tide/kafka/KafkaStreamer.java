package dev.tide.kafka;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import java.util.Collection;

/**
 * A connection to a Kafka cluster: {@code kafka://host1:9092,host2:9092/topic1,topic2} (the nodes are the
 * bootstrap servers, port 9092 when omitted; {@code kafka:///topic} is {@code localhost:9092}).
 * {@link Streamer#connect(String)} returns one for a {@code kafka://} URI. Connecting asks the cluster
 * for its id, so an unreachable cluster fails within the connect timeout. Thread-safe.
 *
 * <p>Security and client settings come from the connect options: {@link KafkaOptions} for SASL (PLAIN,
 * SCRAM) and SSL, and any {@code kafka.<property>} passed to every client as {@code <property>}.
 */
public interface KafkaStreamer extends Streamer {

    /**
     * Connects.
     *
     * @param uri {@code kafka://nodes} or {@code kafka://nodes/topics}
     * @param options the connect timeout and Kafka options
     * @return the connection
     * @throws StreamException {@link StreamException.Kind#CONNECT} if no broker answers within the
     *     timeout or authentication fails, {@link StreamException.Kind#INVALID_URI} for a bad URI or
     *     another scheme
     */
    static KafkaStreamer connect(String uri, ConnectOptions options) {
        StreamUrl url = StreamUrl.parseAny(uri);
        if (!url.streamer().protocol().filter("kafka"::equals).isPresent()) {
            throw new StreamException(StreamException.Kind.INVALID_URI, "not a kafka:// URI: " + uri);
        }
        return RealKafkaStreamer.connect(url, options);
    }

    /**
     * Connects with default options.
     *
     * @param uri {@code kafka://nodes} or {@code kafka://nodes/topics}
     * @return the connection
     * @throws StreamException as {@link #connect(String, ConnectOptions)}
     */
    static KafkaStreamer connect(String uri) {
        return connect(uri, ConnectOptions.defaults());
    }

    @Override
    KafkaProducer producer(ProducerOptions options);

    @Override
    KafkaProducer producer(StreamKey key, ProducerOptions options);

    @Override
    KafkaConsumer consumer(Collection<StreamKey> keys, ConsumerOptions options);

    /**
     * Creates a topic with the broker's default replication factor, or does nothing if it exists.
     * Blocks until the controller has created it.
     *
     * @param key the topic
     * @param partitions how many partitions, at least 1
     * @throws StreamException {@link StreamException.Kind#TIMEOUT}, {@link StreamException.Kind#BACKEND}
     *     (for example when not authorized)
     */
    void createTopic(StreamKey key, int partitions);

    /**
     * How many partitions a topic has.
     *
     * @param key the topic
     * @return the number of partitions
     * @throws StreamException {@link StreamException.Kind#STREAM_KEY_NOT_FOUND} if there is no such topic
     */
    int partitions(StreamKey key);

    /** The {@code bootstrap.servers} of this connection. */
    String bootstrapServers();
}
