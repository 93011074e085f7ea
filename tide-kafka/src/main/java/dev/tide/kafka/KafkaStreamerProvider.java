package dev.tide.kafka;

import dev.tide.ConnectOptions;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import dev.tide.spi.StreamerProvider;
import java.util.Set;

/**
 * The {@code kafka} backend for {@link Streamer#connect(String)}, registered with
 * {@link java.util.ServiceLoader}. Use {@link KafkaStreamer} directly for the Kafka-specific API.
 */
public final class KafkaStreamerProvider implements StreamerProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public KafkaStreamerProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of("kafka");
    }

    @Override
    public Streamer connect(StreamUrl url, ConnectOptions options) {
        return RealKafkaStreamer.connect(url, options);
    }
}
