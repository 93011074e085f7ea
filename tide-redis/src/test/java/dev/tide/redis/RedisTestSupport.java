package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import dev.tide.tck.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shared set-up of the Redis scenario tests: one real {@code redis-server} per test class, fresh stream
 * keys per test, everything opened through {@link #track} closed after each test, and reads bounded by
 * {@link #PATIENCE} (never sleeps).
 */
abstract class RedisTestSupport {

    static final Duration PATIENCE = Duration.ofSeconds(15);
    private static final AtomicLong COUNTER = new AtomicLong();

    static RedisServer redis;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @AfterEach
    final void closeOpened() throws Exception {
        Exception first = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        opened.clear();
        if (first != null) {
            throw first;
        }
    }

    <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    /** A connection to this class's server, closed after the test. */
    Streamer connect() {
        return connect(ConnectOptions.defaults());
    }

    Streamer connect(ConnectOptions options) {
        return track(Streamer.connect(redis.uri() + "/", options));
    }

    static StreamKey newKey(String hint) {
        return StreamKey.of(hint + "-" + COUNTER.incrementAndGet());
    }

    static String newGroup(String hint) {
        return hint + "-group-" + COUNTER.incrementAndGet();
    }

    /** Options that find new shards and claim idle messages quickly, for a test's time scale. */
    static ConsumerOptions quick(ConsumerOptions options) {
        return options.with(RedisOptions.DISCOVERY_INTERVAL, Duration.ofMillis(50))
                .with(RedisOptions.AUTO_CLAIM_INTERVAL, Duration.ofMillis(50))
                .with(RedisOptions.AUTO_COMMIT_INTERVAL, Duration.ofMillis(20));
    }

    RedisConsumer consumer(Streamer streamer, ConsumerOptions options, StreamKey... keys) {
        return (RedisConsumer) track(streamer.consumer(List.of(keys), options));
    }

    RedisProducer producer(Streamer streamer) {
        return (RedisProducer) track(streamer.producer(dev.tide.ProducerOptions.defaults()));
    }

    /** Receives exactly {@code n} messages within {@link #PATIENCE}. */
    static List<Message> receive(Consumer consumer, int n) {
        List<Message> out = new ArrayList<>(n);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("received only " + out.size() + " of " + n + " messages within " + PATIENCE + ": " + texts(out));
            }
            consumer.poll(Duration.ofNanos(left)).ifPresent(out::add);
        }
        return out;
    }

    /** Reads until every text in {@code expected} was seen (in any order), allowing repeats. */
    static List<Message> receiveAll(Consumer consumer, Collection<String> expected) {
        List<Message> out = new ArrayList<>();
        java.util.Set<String> missing = new java.util.HashSet<>(expected);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!missing.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("still missing " + missing.size() + " messages after " + PATIENCE + ", e.g. "
                        + missing.stream().sorted().limit(10).toList());
            }
            Optional<Message> m = consumer.poll(Duration.ofNanos(left));
            m.ifPresent(msg -> {
                out.add(msg);
                missing.remove(msg.asString());
            });
        }
        return out;
    }

    static List<String> texts(List<Message> messages) {
        return messages.stream().map(Message::asString).toList();
    }

    static List<String> payloads(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    static List<Receipt> sendAll(Producer producer, StreamKey key, String prefix, int from, int to) {
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            futures.add(producer.send(key, prefix + i));
        }
        return futures.stream().map(RedisTestSupport::await).toList();
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the future failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete within " + PATIENCE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** XADD exactly as SeaStreamer writes: {@code XADD key * msg <payload>}. */
    static String seaStreamerXadd(String redisKey, String payload) {
        return (String) redis.call("XADD", redisKey, "*", "msg", payload);
    }

    static void assertKind(StreamException.Kind kind, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StreamException.class,
                e -> assertThat(e.kind()).as(e.toString()).isEqualTo(kind));
    }

    /** Within each (stream, shard) sequence numbers strictly increase. */
    static void assertOrderedPerShard(List<Message> messages) {
        Map<String, SeqNo> last = new HashMap<>();
        for (Message m : messages) {
            String where = m.key() + "/" + m.shard();
            SeqNo before = last.put(where, m.seq());
            if (before != null) {
                assertThat(m.seq()).as("seq after %s on %s", before, where).isGreaterThan(before);
            }
        }
    }

    /** Waits until the wall clock is past {@code t} by a millisecond, so the next entry id has a later ms. */
    static void letTimePass(java.time.Instant t) {
        java.time.Instant target = t.plusMillis(1);
        org.awaitility.Awaitility.await("the clock to pass " + target).atMost(PATIENCE).pollInterval(Duration.ofMillis(1))
                .until(() -> java.time.Instant.now().isAfter(target));
    }
}
