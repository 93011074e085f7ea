package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import dev.tide.tck.Capabilities.Feature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The conformance suite every streaming backend runs: one subclass per backend implements
 * {@link #connect()} and {@link #capabilities()}, and may tune the other hooks:
 * <pre>{@code
 * class MemConformanceTest extends AbstractStreamerConformanceTest {
 *     protected Streamer connect() { return Streamer.connect("mem://tck/"); }
 *     protected Capabilities capabilities() { return Capabilities.all(); }
 * }
 * }</pre>
 *
 * <p>The scenarios are grouped by concern into {@link Nested} classes declared here ({@code Delivery},
 * {@code RealTime}, {@code Resumable}, {@code LoadBalanced}, {@code Positioning}, {@code Shards},
 * {@code Lifecycle}, {@code Misuse}); JUnit runs them for every subclass, with this class's lifecycle
 * around each scenario. Their code lives in one package-private {@code *Scenarios} class per family, which
 * reaches the hooks and helpers below through the enclosing test instance. A subclass may add its own
 * backend-specific tests beside them.
 *
 * <p>Each test gets a fresh connection ({@link #streamer()}) and fresh stream keys
 * ({@link #newStreamKey}) and group names ({@link #newGroupName}), so tests never see each other's
 * data even on a persistent server. Everything a test opens through the helpers ({@link #producer},
 * {@link #consumer}) is closed after it.
 *
 * <p>Nothing is skipped. Every scenario runs on every backend: where the backend has the
 * {@link Feature} the scenario is about, it checks the feature; where it lacks it, it checks the
 * documented behaviour of its absence (see each {@link Feature}), for example that the call fails with
 * {@link StreamException.Kind#UNSUPPORTED} and the consumer or producer still works afterwards. A scenario
 * whose negative would say nothing new is folded into another scenario instead.
 *
 * <p>The suite never sleeps. Waiting is bounded by {@link #patience()}: reads use
 * {@link Consumer#poll(Duration)} and conditions are polled with Awaitility, so a slow backend (a
 * Kafka group rebalancing) only needs a larger {@link #patience()}. Assertions use positive markers
 * (“the next message is the one sent after the seek”) rather than “nothing arrives within x ms”.
 * Timestamps are only compared with timestamps the backend stored, never with sub-resolution
 * expectations; sequence numbers are taken from the messages and receipts, never assumed contiguous
 * unless {@link Feature#CONTIGUOUS_SEQ} says so. The hooks below are stable: new ones are added, none
 * are renamed.
 */
public abstract class AbstractStreamerConformanceTest {

    private static final String RUN = Long.toString(System.nanoTime() & 0xFFFFFFFFFL, 36);
    private static final AtomicLong COUNTER = new AtomicLong();

    private final List<AutoCloseable> opened = new ArrayList<>();
    private Streamer streamer;

    /** Creates the suite; subclasses need a no-argument constructor for JUnit. */
    protected AbstractStreamerConformanceTest() {
    }

    // ------------------------------------------------------------------------------------------------
    // Hooks a backend implements or tunes

    /**
     * A fresh connection to the backend under test. Its URL names no default stream (the suite always
     * names its streams). Connections made by one test instance must share data: a consumer on one
     * sees what a producer on another sent (for a loopback backend such as stdio, the test's single
     * connection is enough unless {@link Feature#PERSISTENT} is claimed).
     *
     * @return the connection; the suite closes it
     */
    protected abstract Streamer connect();

    /**
     * What the backend can do. Called often; return a constant.
     *
     * @return the capabilities
     */
    protected abstract Capabilities capabilities();

    /**
     * A stream key no other test uses, also across runs against a persistent server. The default is
     * {@code tck-<run>-<hint>-<n>}.
     *
     * @param hint a word saying what the stream is for
     * @return a unique, valid key
     */
    protected StreamKey newStreamKey(String hint) {
        return StreamKey.of("tck-" + RUN + "-" + hint + "-" + COUNTER.incrementAndGet());
    }

    /**
     * A consumer group name no other test uses. The default is {@code tck-<run>-<hint>-<n>}.
     *
     * @param hint a word saying what the group is for
     * @return a unique group name
     */
    protected String newGroupName(String hint) {
        return "tck-" + RUN + "-" + hint + "-" + COUNTER.incrementAndGet();
    }

    /**
     * Makes sure a stream with the given number of shards exists before the test uses it. The default
     * does nothing (streams and shards appear with their first message); Kafka creates the topic with
     * that many partitions here.
     *
     * @param key the stream
     * @param shards how many shards (1 for an unsharded stream)
     */
    protected void createStream(StreamKey key, int shards) {
    }

    /**
     * Blocks until a newly created consumer has its starting position, so that messages sent afterwards
     * reach it (for example until a Kafka consumer has its partitions assigned). The default does
     * nothing: the backend's {@code consumer(...)} call already does that.
     *
     * @param consumer the new consumer
     */
    protected void awaitReady(Consumer consumer) {
    }

    /**
     * Connects again, as a process restart would: the default closes {@code previous} (flushing its
     * producers and closing its consumers) and returns {@link #connect()}.
     *
     * @param previous the connection in use
     * @return the new connection
     */
    protected Streamer reconnect(Streamer previous) {
        previous.close();
        return connect();
    }

    /**
     * How long the suite waits for anything: a message, a receipt, a group to hand messages over.
     * Ten seconds by default; a Kafka subclass may want a minute. Only failures take this long.
     *
     * @return a positive duration
     */
    protected Duration patience() {
        return Duration.ofSeconds(10);
    }

    /**
     * Adds backend options to the consumer options of a test (for example short Kafka session
     * timeouts). The default returns {@code options} unchanged.
     *
     * @param options the options the scenario needs
     * @return the options to create the consumer with
     */
    protected ConsumerOptions consumerOptions(ConsumerOptions options) {
        return options;
    }

    /**
     * The producer options of the suite's producers. The default is {@link ProducerOptions#defaults()}.
     *
     * @return the options
     */
    protected ProducerOptions producerOptions() {
        return ProducerOptions.defaults();
    }

    /**
     * Returns once a message stored from now on gets a timestamp later than {@code stored} by at least
     * {@link Capabilities#timestampResolution()}. The default waits (with Awaitility, polling) until
     * the wall clock is past that point; a backend with an injected clock advances it instead.
     *
     * @param stored a timestamp the backend stored
     */
    protected void letTimePass(Instant stored) {
        Instant target = stored.plus(capabilities().timestampResolution());
        Awaitility.await("the clock to pass " + target)
                .atMost(patience())
                .pollInterval(Duration.ofMillis(1))
                .until(() -> Instant.now().isAfter(target));
    }

    // ------------------------------------------------------------------------------------------------
    // Lifecycle and helpers for scenarios (also usable by backend-specific tests in subclasses)

    @BeforeEach
    final void openStreamer() {
        streamer = connect();
    }

    @AfterEach
    final void closeEverything() throws Exception {
        Exception first = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        opened.clear();
        try {
            if (streamer != null) {
                streamer.close();
            }
        } catch (Exception e) {
            if (first == null) {
                first = e;
            }
        }
        streamer = null;
        if (first != null) {
            throw first;
        }
    }

    /**
     * The connection of the running test.
     *
     * @return the current connection
     */
    protected final Streamer streamer() {
        return streamer;
    }

    /**
     * Restarts: {@link #reconnect}s and makes the result the test's connection. Producers and consumers
     * made before belong to the old connection.
     *
     * @return the new connection
     */
    protected final Streamer restart() {
        streamer = reconnect(streamer);
        return streamer;
    }

    /**
     * A producer anchored to {@code key}, closed after the test.
     *
     * @param key the stream
     * @return the producer
     */
    protected final Producer producer(StreamKey key) {
        return track(streamer.producer(key, producerOptions()));
    }

    /**
     * An unanchored producer, closed after the test.
     *
     * @return the producer
     */
    protected final Producer producer() {
        return track(streamer.producer(producerOptions()));
    }

    /**
     * A consumer of the given streams, closed after the test; {@link #awaitReady} has returned.
     *
     * @param options the options the scenario needs ({@link #consumerOptions} is applied)
     * @param keys the streams
     * @return the consumer
     */
    protected final Consumer consumer(ConsumerOptions options, StreamKey... keys) {
        Consumer consumer = track(streamer.consumer(Arrays.asList(keys), consumerOptions(options)));
        awaitReady(consumer);
        return consumer;
    }

    /**
     * Registers something to close after the test.
     *
     * @param closeable the resource
     * @param <T> its type
     * @return {@code closeable}
     */
    protected final <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    /**
     * Receives exactly {@code n} messages, failing if they do not all come within {@link #patience()}.
     *
     * @param consumer the consumer
     * @param n how many
     * @return the messages in arrival order
     */
    protected final List<Message> receive(Consumer consumer, int n) {
        List<Message> out = new ArrayList<>(n);
        long deadline = System.nanoTime() + patience().toNanos();
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("received only " + out.size() + " of " + n + " messages within " + patience() + ": " + texts(out));
            }
            consumer.poll(Duration.ofNanos(left)).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Receives one message, failing if none comes within {@link #patience()}.
     *
     * @param consumer the consumer
     * @return the message
     */
    protected final Message receiveOne(Consumer consumer) {
        return receive(consumer, 1).get(0);
    }

    /**
     * Sends {@code prefix0 … prefix(n-1)} to a stream and waits for every receipt.
     *
     * @param producer the producer
     * @param key the stream
     * @param prefix the payload prefix
     * @param n how many
     * @return the receipts in send order
     */
    protected final List<Receipt> sendAll(Producer producer, StreamKey key, String prefix, int n) {
        List<CompletableFuture<Receipt>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            futures.add(producer.send(key, prefix + i));
        }
        List<Receipt> receipts = new ArrayList<>(n);
        for (CompletableFuture<Receipt> f : futures) {
            receipts.add(await(f));
        }
        return receipts;
    }

    /**
     * Sends one text to one shard of a stream and waits for its receipt.
     *
     * @param producer the producer
     * @param key the stream
     * @param shard the shard
     * @param text the payload
     * @return the receipt
     */
    protected final Receipt sendTo(Producer producer, StreamKey key, long shard, String text) {
        return await(producer.send(key, ShardId.of(shard), text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Waits for a future within {@link #patience()}.
     *
     * @param future the future
     * @param <T> its value type
     * @return its value
     */
    protected final <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(patience().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the future failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete within " + patience(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * The payloads as text.
     *
     * @param messages the messages
     * @return their payloads decoded as UTF-8
     */
    protected static List<String> texts(List<Message> messages) {
        return messages.stream().map(Message::asString).toList();
    }

    /**
     * Asserts that a call fails with a {@link StreamException} of the given kind.
     *
     * @param kind the expected kind
     * @param call the call
     */
    protected static void assertKind(StreamException.Kind kind, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).as(e.toString()).isEqualTo(kind))
                .hasMessageFindingMatch("\\S");
    }

    /**
     * Whether the backend has a feature.
     *
     * @param feature the feature
     * @return true if it has
     */
    protected final boolean has(Feature feature) {
        return capabilities().has(feature);
    }

    // ------------------------------------------------------------------------------------------------
    // The scenario families. JUnit finds these nested classes through every subclass and runs them with
    // the subclass's hooks; Surefire lists them as AbstractStreamerConformanceTest$<Family> under the
    // subclass, whose report file holds every scenario it ran.

    /** Order, several streams, receipts, payloads, persistence. */
    @Nested
    class Delivery extends DeliveryScenarios {
        Delivery() {
            super(AbstractStreamerConformanceTest.this);
        }
    }

    /** {@code REAL_TIME} consumers: where they start, fan-out. */
    @Nested
    class RealTime extends RealTimeScenarios {
        RealTime() {
            super(AbstractStreamerConformanceTest.this);
        }
    }

    /** {@code RESUMABLE} consumers: commits and resuming. */
    @Nested
    class Resumable extends ResumableScenarios {
        Resumable() {
            super(AbstractStreamerConformanceTest.this);
        }
    }

    /** {@code LOAD_BALANCED} groups: split, takeover, starting position, commits. */
    @Nested
    class LoadBalanced extends LoadBalancedScenarios {
        LoadBalanced() {
            super(AbstractStreamerConformanceTest.this);
        }
    }

    /** Seek by time and rewind by sequence number. */
    @Nested
    class Positioning extends PositioningScenarios {
        Positioning() {
            super(AbstractStreamerConformanceTest.this);
        }
    }

    /** Shards: explicit shard sends, per-shard order, assign. */
    @Nested
    class Shards extends ShardScenarios {
        Shards() {
            super(AbstractStreamerConformanceTest.this);
        }
    }

    /** Flush, close, concurrency. */
    @Nested
    class Lifecycle extends LifecycleScenarios {
        Lifecycle() {
            super(AbstractStreamerConformanceTest.this);
        }
    }

    /** Misuse and options: the errors the API promises. */
    @Nested
    class Misuse extends MisuseScenarios {
        Misuse() {
            super(AbstractStreamerConformanceTest.this);
        }
    }
}
