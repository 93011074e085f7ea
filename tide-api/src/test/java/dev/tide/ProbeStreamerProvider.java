package dev.tide;

import dev.tide.spi.StreamerProvider;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A test backend, scheme {@code probe}, that records nothing: it only shows how connect picks a provider. */
public final class ProbeStreamerProvider implements StreamerProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("probe");
    }

    @Override
    public Streamer connect(StreamUrl url, ConnectOptions options) {
        return new ProbeStreamer(url);
    }

    record ProbeStreamer(StreamUrl url) implements Streamer {
        @Override
        public Producer producer(ProducerOptions options) {
            return new ProbeProducer(null);
        }

        @Override
        public Producer producer(StreamKey key, ProducerOptions options) {
            return new ProbeProducer(key);
        }

        @Override
        public Consumer consumer(Collection<StreamKey> keys, ConsumerOptions options) {
            throw new StreamException(StreamException.Kind.UNSUPPORTED, "the probe backend has no consumers");
        }

        @Override
        public void close() {
        }
    }

    record ProbeProducer(StreamKey anchorKey) implements Producer {
        @Override
        public CompletableFuture<Receipt> send(StreamKey key, byte[] payload) {
            return send(key, ShardId.ZERO, payload);
        }

        @Override
        public CompletableFuture<Receipt> send(StreamKey key, ShardId shard, byte[] payload) {
            return CompletableFuture.completedFuture(new Receipt(key, shard, SeqNo.ZERO, Instant.EPOCH));
        }

        @Override
        public Optional<StreamKey> anchor() {
            return Optional.ofNullable(anchorKey);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

}
