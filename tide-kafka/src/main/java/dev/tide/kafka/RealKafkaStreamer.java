package dev.tide.kafka;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A connection: the shared client properties, one admin client (connect check, topics, partition
 * discovery for consumers) and the producers and consumers made from it, closed with it.
 */
final class RealKafkaStreamer implements KafkaStreamer {

    private final StreamUrl url;
    private final ClientConfig config;
    private final Admin admin;
    private final Set<AutoCloseable> children = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private RealKafkaStreamer(StreamUrl url, ClientConfig config, Admin admin) {
        this.url = url;
        this.config = config;
        this.admin = admin;
    }

    static RealKafkaStreamer connect(StreamUrl url, ConnectOptions options) {
        ClientConfig config = ClientConfig.of(url.streamer(), options);
        Duration timeout = options.timeout();
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Map<String, Object> props = config.client(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(ms, 10_000),
                AdminClientConfig.CLIENT_ID_CONFIG, "tide-admin"), Map.of());
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (RuntimeException e) {
            throw connectError(url, config, timeout, e);
        }
        try {
            admin.describeCluster().clusterId().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            admin.close(Duration.ZERO);
            throw StreamException.interrupted(e, "connecting to " + config.bootstrap());
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            admin.close(Duration.ZERO);
            throw connectError(url, config, timeout, e);
        }
        return new RealKafkaStreamer(url, config, admin);
    }

    private static StreamException connectError(StreamUrl url, ClientConfig config, Duration timeout, Throwable e) {
        StreamException translated = Errors.translate(e, "connecting");
        Throwable cause = Errors.unwrap(e);
        boolean unresolvable = String.valueOf(cause.getMessage()).contains("resolvable bootstrap")
                || cause.getCause() != null && String.valueOf(cause.getCause().getMessage()).contains("resolvable bootstrap");
        if (!unresolvable && (translated.kind() == StreamException.Kind.INVALID_OPTION
                || translated.kind() == StreamException.Kind.INTERRUPTED)) {
            return translated;
        }
        String why = cause instanceof java.util.concurrent.TimeoutException ? ""
                : ": " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")");
        return new StreamException(StreamException.Kind.CONNECT, "no Kafka cluster answered at " + config.bootstrap()
                + " (" + url.streamer() + ") within " + timeout.toMillis() + " ms" + why, cause);
    }

    @Override
    public StreamUrl url() {
        return url;
    }

    @Override
    public String bootstrapServers() {
        return config.bootstrap();
    }

    ClientConfig config() {
        return config;
    }

    Admin admin() {
        return admin;
    }

    @Override
    public KafkaProducer producer(ProducerOptions options) {
        return track(RealKafkaProducer.create(this, Optional.empty(), options));
    }

    @Override
    public KafkaProducer producer(StreamKey key, ProducerOptions options) {
        return track(RealKafkaProducer.create(this, Optional.of(key), options));
    }

    @Override
    public KafkaConsumer consumer(Collection<StreamKey> keys, ConsumerOptions options) {
        ensureOpen();
        ConsumerOptions checked = options.checked();
        if (keys.isEmpty()) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY,
                    "a consumer needs at least one stream (topic); " + url + " names none");
        }
        List<StreamKey> topics = new ArrayList<>(new LinkedHashSet<>(keys));
        return track(RealKafkaConsumer.create(this, topics, checked));
    }

    private <T extends AutoCloseable> T track(T child) {
        children.add(child);
        if (closed.get()) {
            children.remove(child);
            closeQuietly(child);
            throw closedError();
        }
        return child;
    }

    void forget(AutoCloseable child) {
        children.remove(child);
    }

    void ensureOpen() {
        if (closed.get()) {
            throw closedError();
        }
    }

    private StreamException closedError() {
        return new StreamException(StreamException.Kind.CLOSED, "the Kafka streamer " + url.streamer() + " is closed");
    }

    @Override
    public void createTopic(StreamKey key, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic needs at least one partition: " + partitions);
        }
        ensureOpen();
        try {
            admin.createTopics(List.of(new NewTopic(key.name(), Optional.of(partitions), Optional.empty())))
                    .all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw Errors.translate(e, "creating topic " + key);
            }
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "creating topic " + key);
        }
    }

    @Override
    public int partitions(StreamKey key) {
        ensureOpen();
        return describe(List.of(key)).get(key.name()).partitions().size();
    }

    /**
     * Describes topics, blocking.
     *
     * @throws StreamException {@link StreamException.Kind#STREAM_KEY_NOT_FOUND} if one does not exist
     */
    Map<String, TopicDescription> describe(Collection<StreamKey> keys) {
        try {
            return new HashMap<>(admin.describeTopics(keys.stream().map(StreamKey::name).toList()).allTopicNames().get());
        } catch (ExecutionException e) {
            throw Errors.translate(e, "describing " + keys);
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "describing " + keys);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException first = null;
        for (AutoCloseable child : List.copyOf(children)) {
            try {
                child.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            } catch (Exception e) {
                if (first == null) {
                    first = new StreamException(StreamException.Kind.BACKEND, "closing " + child + " failed", e);
                }
            }
        }
        children.clear();
        admin.close(Duration.ofSeconds(10));
        if (first != null) {
            throw first;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already failing with CLOSED
        }
    }

    @Override
    public String toString() {
        return "KafkaStreamer[" + url + "]";
    }
}
