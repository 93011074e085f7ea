package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tide.Consumer;
import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import dev.tide.tck.Capabilities.Feature;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
 * <p>Each test gets a fresh connection ({@link #streamer()}) and fresh stream keys
 * ({@link #newStreamKey}) and group names ({@link #newGroupName}), so tests never see each other's
 * data even on a persistent server. Everything a test opens through the helpers ({@link #producer},
 * {@link #consumer}) is closed after it.
 *
 * <p>The suite never sleeps. Waiting is bounded by {@link #patience()}: reads use
 * {@link Consumer#poll(Duration)} and conditions are polled with Awaitility, so a slow backend (a
 * Kafka group rebalancing) only needs a larger {@link #patience()}. Assertions use positive markers
 * (“the next message is the one sent after the seek”) rather than “nothing arrives within x ms”.
 * Timestamps are only compared with timestamps the backend stored, never with sub-resolution
 * expectations; sequence numbers are taken from the messages and receipts, never assumed contiguous
 * unless {@link Feature#CONTIGUOUS_SEQ} says so.
 *
 * <p>Scenarios of a feature the backend lacks either check the documented failure
 * ({@link StreamException.Kind#UNSUPPORTED} for seek, rewind, shard sends and consumer modes) or are
 * skipped with a JUnit assumption naming the feature. The hooks below are stable: new ones are added,
 * none are renamed.
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
        return await(producer.send(key, ShardId.of(shard), text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
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
     * Skips the running test unless the backend has the features.
     *
     * @param features what the scenario needs
     */
    protected final void require(Feature... features) {
        for (Feature f : features) {
            assumeTrue(capabilities().has(f), () -> "the backend lacks " + f);
        }
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
    // Order, streams, receipts, payloads

    @Test
    @DisplayName("messages of one stream arrive in send order")
    void orderPerStream() {
        StreamKey key = newStreamKey("order");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        Producer producer = producer(key);
        sendAll(producer, key, "m", 50);

        List<Message> got = receive(consumer, 50);

        assertThat(texts(got)).isEqualTo(payloads("m", 50));
        assertThat(got).allSatisfy(m -> {
            assertThat(m.key()).isEqualTo(key);
            assertThat(m.shard()).isEqualTo(ShardId.ZERO);
        });
        assertThat(got).extracting(Message::seq).isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("a consumer of several streams receives each message once, with its stream key")
    void severalStreams() {
        StreamKey a = newStreamKey("multi-a");
        StreamKey b = newStreamKey("multi-b");
        createStream(a, 1);
        createStream(b, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), a, b);
        assertThat(consumer.keys()).containsExactlyInAnyOrder(a, b);
        Producer producer = producer();
        List<CompletableFuture<Receipt>> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(producer.send(a, "a" + i));
            sent.add(producer.send(b, "b" + i));
        }
        sent.forEach(this::await);

        List<Message> got = receive(consumer, 20);

        assertThat(got.stream().filter(m -> m.key().equals(a)).map(Message::asString)).containsExactlyElementsOf(payloads("a", 10));
        assertThat(got.stream().filter(m -> m.key().equals(b)).map(Message::asString)).containsExactlyElementsOf(payloads("b", 10));
    }

    @Test
    @DisplayName("receipts name the stream, shard 0 and increasing sequence numbers; with REAL_RECEIPTS the stored header")
    void receipts() {
        StreamKey key = newStreamKey("receipts");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        List<Receipt> receipts = sendAll(producer(key), key, "r", 10);

        assertThat(receipts).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(key);
            assertThat(r.shard()).isEqualTo(ShardId.ZERO);
        });
        List<Message> got = receive(consumer, 10);
        if (has(Feature.REAL_RECEIPTS)) {
            assertThat(receipts).extracting(Receipt::seq).isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates();
            assertThat(receipts).extracting(Receipt::header).containsExactlyElementsOf(got.stream().map(Message::header).toList());
        }
        if (has(Feature.CONTIGUOUS_SEQ)) {
            for (int i = 1; i < got.size(); i++) {
                assertThat(got.get(i).seq()).isEqualTo(got.get(i - 1).seq().next());
            }
        }
        capabilities().firstSeq().ifPresent(first -> assertThat(got.get(0).seq()).isEqualTo(SeqNo.of(first)));
    }

    @Test
    @DisplayName("payloads arrive byte for byte: text with non-ASCII characters; any bytes with BINARY_PAYLOADS")
    void payloadsRoundTrip() {
        StreamKey key = newStreamKey("payload");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        Producer producer = producer(key);
        List<byte[]> payloads = new ArrayList<>();
        payloads.add("héllo wörld — ✓ 😀".getBytes(StandardCharsets.UTF_8));
        payloads.add("{\"a\":1,\"b\":[true,null]}".getBytes(StandardCharsets.UTF_8));
        payloads.add("x".repeat(10_000).getBytes(StandardCharsets.UTF_8));
        if (has(Feature.BINARY_PAYLOADS)) {
            byte[] all = new byte[256];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) i;
            }
            payloads.add(all);
            payloads.add(new byte[0]);
            payloads.add("two\nlines\r\n".getBytes(StandardCharsets.UTF_8));
        }
        payloads.forEach(p -> await(producer.send(p)));

        List<Message> got = receive(consumer, payloads.size());

        for (int i = 0; i < payloads.size(); i++) {
            assertThat(got.get(i).bytes()).as("payload %d", i).isEqualTo(payloads.get(i));
            assertThat(got.get(i).size()).isEqualTo(payloads.get(i).length);
        }
    }

    @Test
    @DisplayName("a consumer's flow emits its messages")
    void flowOfMessages() {
        StreamKey key = newStreamKey("flow");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        sendAll(producer(key), key, "f", 5);

        List<String> got = consumer.flow().take(5).map(Message::asString).toList();

        assertThat(got).isEqualTo(payloads("f", 5));
    }

    @Test
    @DisplayName("PERSISTENT: messages outlive the connection that sent them")
    void dataOutlivesTheConnection() {
        require(Feature.PERSISTENT, Feature.EARLIEST_REPLAY);
        StreamKey key = newStreamKey("persist");
        createStream(key, 1);
        sendAll(producer(key), key, "m", 3);

        restart();
        Consumer consumer = consumer(ConsumerOptions.realTime().reset(StreamReset.EARLIEST), key);

        assertThat(texts(receive(consumer, 3))).containsExactly("m0", "m1", "m2");
    }

    // ------------------------------------------------------------------------------------------------
    // REAL_TIME

    @Test
    @DisplayName("REAL_TIME from LATEST receives only messages sent after the consumer was created")
    void realTimeFromLatest() {
        require(Feature.LATEST_START);
        StreamKey key = newStreamKey("latest");
        createStream(key, 1);
        Producer producer = producer(key);
        sendAll(producer, key, "old", 3);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        sendAll(producer, key, "new", 3);

        assertThat(texts(receive(consumer, 3))).containsExactly("new0", "new1", "new2");
    }

    @Test
    @DisplayName("REAL_TIME from EARLIEST replays stored messages, then continues live")
    void realTimeFromEarliest() {
        require(Feature.EARLIEST_REPLAY);
        StreamKey key = newStreamKey("earliest");
        createStream(key, 1);
        Producer producer = producer(key);
        sendAll(producer, key, "old", 3);
        Consumer consumer = consumer(ConsumerOptions.realTime().reset(StreamReset.EARLIEST), key);
        sendAll(producer, key, "new", 2);

        assertThat(texts(receive(consumer, 5))).containsExactly("old0", "old1", "old2", "new0", "new1");
    }

    @Test
    @DisplayName("every REAL_TIME consumer receives every message")
    void realTimeFanOut() {
        StreamKey key = newStreamKey("fanout");
        createStream(key, 1);
        Consumer first = consumer(ConsumerOptions.realTime(), key);
        Consumer second = consumer(ConsumerOptions.realTime(), key);
        sendAll(producer(key), key, "x", 10);

        assertThat(texts(receive(first, 10))).isEqualTo(payloads("x", 10));
        assertThat(texts(receive(second, 10))).isEqualTo(payloads("x", 10));
    }

    // ------------------------------------------------------------------------------------------------
    // RESUMABLE

    @Test
    @DisplayName("RESUMABLE resumes after the last commit when created again (after a restart when PERSISTENT)")
    void resumableResumesAfterCommit() {
        StreamKey key = newStreamKey("resume");
        createStream(key, 1);
        String group = newGroupName("resume");
        ConsumerOptions options = ConsumerOptions.resumable().group(group).reset(StreamReset.EARLIEST);
        if (!has(Feature.RESUMABLE)) {
            assertKind(StreamException.Kind.UNSUPPORTED, () -> streamer().consumer(List.of(key), consumerOptions(options)));
            return;
        }
        Consumer first = consumer(options, key);
        sendAll(producer(key), key, "m", 10);
        List<Message> got = receive(first, 4);
        assertThat(texts(got)).isEqualTo(payloads("m", 4));
        first.commit(got.get(3));
        first.close();
        if (has(Feature.PERSISTENT)) {
            restart();
        }

        Consumer second = consumer(options, key);

        assertThat(texts(receive(second, 6))).containsExactly("m4", "m5", "m6", "m7", "m8", "m9");
    }

    @Test
    @DisplayName("RESUMABLE commit of an earlier message then a later one keeps the later position")
    void resumableCommitsMoveForward() {
        require(Feature.RESUMABLE);
        StreamKey key = newStreamKey("resume-fwd");
        createStream(key, 1);
        ConsumerOptions options = ConsumerOptions.resumable().group(newGroupName("fwd")).reset(StreamReset.EARLIEST);
        Consumer first = consumer(options, key);
        sendAll(producer(key), key, "m", 6);
        List<Message> got = receive(first, 6);
        first.commit(got.get(1));
        await(first.commitAsync(got.get(4)));
        first.close();

        Consumer second = consumer(options, key);

        assertThat(texts(receive(second, 1))).containsExactly("m5");
    }

    @Test
    @DisplayName("RESUMABLE without a commit starts per its reset; without a group it uses the host default")
    void resumableWithoutCommitStartsPerReset() {
        require(Feature.RESUMABLE);
        StreamKey key = newStreamKey("resume-reset");
        createStream(key, 1);
        Producer producer = producer(key);
        sendAll(producer, key, "old", 2);
        Consumer latest = consumer(ConsumerOptions.resumable().group(newGroupName("latest")), key);
        Consumer hostDefault = consumer(ConsumerOptions.resumable(), key);
        Consumer earliest = has(Feature.EARLIEST_REPLAY)
                ? consumer(ConsumerOptions.resumable().group(newGroupName("earliest")).reset(StreamReset.EARLIEST), key)
                : null;
        sendAll(producer, key, "new", 2);

        assertThat(texts(receive(latest, 2))).containsExactly("new0", "new1");
        assertThat(texts(receive(hostDefault, 2))).containsExactly("new0", "new1");
        if (earliest != null) {
            assertThat(texts(receive(earliest, 4))).containsExactly("old0", "old1", "new0", "new1");
        }
    }

    @Test
    @DisplayName("RESUMABLE commits are per shard: each shard resumes after its own last commit")
    void resumableCommitsPerShard() {
        require(Feature.RESUMABLE, Feature.SHARDS, Feature.EXPLICIT_SHARD_SEND);
        StreamKey key = newStreamKey("resume-shards");
        createStream(key, 2);
        ConsumerOptions options = ConsumerOptions.resumable().group(newGroupName("shards")).reset(StreamReset.EARLIEST);
        Consumer first = consumer(options, key);
        Producer producer = producer(key);
        for (int i = 0; i < 8; i++) {
            sendTo(producer, key, i % 2, "s" + (i % 2) + "-" + i / 2);
        }
        List<Message> got = receive(first, 8);
        first.commit(got.stream().filter(m -> m.asString().equals("s0-2")).findFirst().orElseThrow());
        first.commit(got.stream().filter(m -> m.asString().equals("s1-0")).findFirst().orElseThrow());
        first.close();
        if (has(Feature.PERSISTENT)) {
            restart();
        }

        List<Message> again = receive(consumer(options, key), 4);

        assertThat(texts(again)).containsExactlyInAnyOrder("s0-3", "s1-1", "s1-2", "s1-3");
        assertOrderedPerShard(again);
    }

    // ------------------------------------------------------------------------------------------------
    // LOAD_BALANCED

    @Test
    @DisplayName("LOAD_BALANCED members split the stream: each message reaches exactly one member, each member gets a share")
    void loadBalancedSplit() {
        StreamKey key = newStreamKey("split");
        int shards = groupShards();
        createStream(key, shards);
        String group = newGroupName("split");
        ConsumerOptions options = ConsumerOptions.loadBalanced(group);
        if (!has(Feature.LOAD_BALANCED)) {
            assertKind(StreamException.Kind.UNSUPPORTED, () -> streamer().consumer(List.of(key), consumerOptions(options)));
            return;
        }
        Consumer a = consumer(options, key);
        Consumer b = consumer(options, key);
        List<String> sent = sendSpread(key, shards, "m", 40);

        List<Message> gotA = new ArrayList<>();
        List<Message> gotB = new ArrayList<>();
        readTogether(List.of(a, b), List.of(gotA, gotB), sent.size());

        List<String> all = new ArrayList<>(texts(gotA));
        all.addAll(texts(gotB));
        assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        assertThat(gotA).as("member a's share").isNotEmpty();
        assertThat(gotB).as("member b's share").isNotEmpty();
        assertOrderedPerShard(gotA);
        assertOrderedPerShard(gotB);
        if (has(Feature.GROUP_ROUND_ROBIN_BY_SEQ)) {
            assertThat(gotA).allSatisfy(m -> assertThat(Long.remainderUnsigned(m.seq().value(), 2)).isZero());
            assertThat(gotB).allSatisfy(m -> assertThat(Long.remainderUnsigned(m.seq().value(), 2)).isOne());
        }
    }

    @Test
    @DisplayName("a closed LOAD_BALANCED member's uncommitted messages are taken over by the others")
    void loadBalancedTakeover() {
        require(Feature.LOAD_BALANCED, Feature.TAKEOVER_ON_CLOSE);
        StreamKey key = newStreamKey("takeover");
        createStream(key, 1);
        ConsumerOptions options = ConsumerOptions.loadBalanced(newGroupName("takeover"));
        Consumer a = consumer(options, key);
        Producer producer = producer(key);
        sendAll(producer, key, "m", 10);
        List<Message> gotA = receive(a, 4);
        assertThat(texts(gotA)).containsExactly("m0", "m1", "m2", "m3");
        a.commit(gotA.get(1));
        Consumer b = consumer(options, key);

        a.close();
        List<Message> gotB = receive(b, 8);
        sendAll(producer, key, "after", 1);
        Message marker = receiveOne(b);

        assertThat(texts(gotB)).doesNotHaveDuplicates()
                .containsExactlyInAnyOrder("m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(marker.asString()).isEqualTo("after0");
    }

    @Test
    @DisplayName("a LOAD_BALANCED group created later starts per its reset; a member joining later shares the group's position")
    void loadBalancedGroupStartsPerReset() {
        require(Feature.LOAD_BALANCED);
        StreamKey key = newStreamKey("lb-reset");
        createStream(key, 1);
        Producer producer = producer(key);
        sendAll(producer, key, "old", 3);
        Consumer latest = consumer(ConsumerOptions.loadBalanced(newGroupName("latest")), key);
        Consumer earliest = has(Feature.EARLIEST_REPLAY)
                ? consumer(ConsumerOptions.loadBalanced(newGroupName("earliest")).reset(StreamReset.EARLIEST), key)
                : null;
        sendAll(producer, key, "new", 2);

        assertThat(texts(receive(latest, 2))).containsExactly("new0", "new1");
        if (earliest != null) {
            assertThat(texts(receive(earliest, 5))).containsExactly("old0", "old1", "old2", "new0", "new1");
        }
    }

    @Test
    @DisplayName("LOAD_BALANCED commits survive: a new member after everyone left resumes after the group's commits")
    void loadBalancedCommitsSurvive() {
        require(Feature.LOAD_BALANCED, Feature.GROUP_OUTLIVES_MEMBERS);
        StreamKey key = newStreamKey("lb-commit");
        createStream(key, 1);
        ConsumerOptions options = ConsumerOptions.loadBalanced(newGroupName("commit"));
        Consumer a = consumer(options, key);
        sendAll(producer(key), key, "m", 6);
        List<Message> got = receive(a, 6);
        a.commit(got.get(5));
        a.close();
        Producer producer = producer(key);
        sendAll(producer, key, "n", 2);

        Consumer b = consumer(options, key);

        assertThat(texts(receive(b, 2))).containsExactly("n0", "n1");
    }

    // ------------------------------------------------------------------------------------------------
    // Positioning: seek and rewind

    @Test
    @DisplayName("seek(t) goes to the first message whose timestamp is at least t")
    void seekByTime() {
        StreamKey key = newStreamKey("seek");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        if (!has(Feature.SEEK_BY_TIME)) {
            assertKind(StreamException.Kind.UNSUPPORTED, () -> consumer.seek(Instant.EPOCH));
            return;
        }
        Producer producer = producer(key);
        sendAll(producer, key, "a", 3);
        List<Message> all = new ArrayList<>(receive(consumer, 3));
        letTimePass(all.get(2).timestamp());
        sendAll(producer, key, "b", 3);
        all.addAll(receive(consumer, 3));
        Instant firstB = all.get(3).timestamp();
        assertThat(firstB).isAfter(all.get(2).timestamp());

        consumer.seek(firstB);
        assertThat(texts(receive(consumer, 3))).as("seek to b0's timestamp").containsExactly("b0", "b1", "b2");

        consumer.seek(all.get(2).timestamp().plusNanos(1));
        assertThat(texts(receive(consumer, 3))).as("seek just past a2").containsExactly("b0", "b1", "b2");

        consumer.seek(all.get(0).timestamp());
        assertThat(texts(receive(consumer, 6))).as("seek to a0's timestamp").isEqualTo(texts(all));

        consumer.seek(Instant.EPOCH);
        assertThat(texts(receive(consumer, 1))).as("seek to the epoch").containsExactly("a0");

        consumer.seek(all.get(5).timestamp().plusNanos(1));
        letTimePass(all.get(5).timestamp());
        sendAll(producer, key, "c", 1);
        assertThat(texts(receive(consumer, 1))).as("seek past the end, then a new message").containsExactly("c0");
    }

    @Test
    @DisplayName("rewind(at(n)) goes to the first message whose sequence number is at least n")
    void rewindToSeq() {
        StreamKey key = newStreamKey("rewind");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        if (!has(Feature.REWIND)) {
            assertKind(StreamException.Kind.UNSUPPORTED, () -> consumer.rewind(SeqPos.BEGINNING));
            assertKind(StreamException.Kind.UNSUPPORTED, () -> consumer.rewind(SeqPos.at(1)));
            return;
        }
        sendAll(producer(key), key, "m", 10);
        List<Message> all = receive(consumer, 10);

        consumer.rewind(SeqPos.at(all.get(5).seq()));
        assertThat(texts(receive(consumer, 5))).as("rewind to m5's seq").containsExactly("m5", "m6", "m7", "m8", "m9");

        consumer.rewind(SeqPos.at(all.get(5).seq().next()));
        assertThat(texts(receive(consumer, 1))).as("rewind to m5's seq + 1").containsExactly("m6");

        consumer.rewind(SeqPos.at(0));
        assertThat(texts(receive(consumer, 10))).as("rewind to seq 0").isEqualTo(payloads("m", 10));
    }

    @Test
    @DisplayName("rewind(BEGINNING) replays from the first stored message; rewind(END) skips to new messages")
    void rewindBeginningAndEnd() {
        require(Feature.REWIND);
        StreamKey key = newStreamKey("begin-end");
        createStream(key, 1);
        Producer producer = producer(key);
        sendAll(producer, key, "old", 3);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);

        consumer.rewind(SeqPos.BEGINNING);
        assertThat(texts(receive(consumer, 3))).containsExactly("old0", "old1", "old2");

        consumer.rewind(SeqPos.BEGINNING);
        consumer.rewind(SeqPos.END);
        sendAll(producer, key, "new", 1);
        assertThat(texts(receive(consumer, 1))).containsExactly("new0");
    }

    // ------------------------------------------------------------------------------------------------
    // Shards

    @Test
    @DisplayName("messages sent to shards keep their shard, each shard its own order and sequence numbers")
    void shards() {
        StreamKey key = newStreamKey("shards");
        createStream(key, 3);
        Producer producer = producer(key);
        if (!has(Feature.EXPLICIT_SHARD_SEND)) {
            assertKind(StreamException.Kind.UNSUPPORTED, () -> producer.send(key, ShardId.of(1), new byte[] {1}));
            return;
        }
        require(Feature.SHARDS);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            receipts.add(sendTo(producer, key, i % 3, "s" + (i % 3) + "-" + i / 3));
        }

        List<Message> got = receive(consumer, 12);

        assertThat(receipts).allSatisfy(r -> assertThat(r.key()).isEqualTo(key));
        for (int s = 0; s < 3; s++) {
            int shard = s;
            List<Message> ofShard = got.stream().filter(m -> m.shard().id() == shard).toList();
            assertThat(texts(ofShard)).containsExactly("s" + s + "-0", "s" + s + "-1", "s" + s + "-2", "s" + s + "-3");
            assertThat(receipts.stream().filter(r -> r.shard().id() == shard)).hasSize(4);
            capabilities().firstSeq().ifPresent(first -> assertThat(ofShard.get(0).seq()).isEqualTo(SeqNo.of(first)));
            if (has(Feature.CONTIGUOUS_SEQ)) {
                for (int i = 1; i < ofShard.size(); i++) {
                    assertThat(ofShard.get(i).seq()).isEqualTo(ofShard.get(i - 1).seq().next());
                }
            }
        }
    }

    @Test
    @DisplayName("a consumer receives messages of a shard that gets its first message after the consumer started")
    void shardAppearingLater() {
        require(Feature.SHARDS, Feature.EXPLICIT_SHARD_SEND);
        StreamKey key = newStreamKey("new-shard");
        createStream(key, 4);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        Producer producer = producer(key);
        sendTo(producer, key, 0, "zero");
        assertThat(receiveOne(consumer).asString()).isEqualTo("zero");

        sendTo(producer, key, 3, "three");

        Message m = receiveOne(consumer);
        assertThat(m.asString()).isEqualTo("three");
        assertThat(m.shard()).isEqualTo(ShardId.of(3));
    }

    @Test
    @DisplayName("assign narrows rewind and seek to the assigned shards; the others keep their position")
    void assignNarrowsPositioning() {
        require(Feature.SHARDS, Feature.EXPLICIT_SHARD_SEND, Feature.REWIND);
        StreamKey key = newStreamKey("assign");
        createStream(key, 3);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        Producer producer = producer(key);
        for (int i = 0; i < 9; i++) {
            sendTo(producer, key, i % 3, "s" + (i % 3) + "-" + i / 3);
        }
        receive(consumer, 9);

        consumer.assign(key, ShardId.of(1));
        consumer.rewind(SeqPos.BEGINNING);
        assertThat(texts(receive(consumer, 3))).containsExactly("s1-0", "s1-1", "s1-2");

        sendTo(producer, key, 0, "marker");
        assertThat(receiveOne(consumer).asString()).as("shard 0 was not rewound").isEqualTo("marker");

        if (has(Feature.SEEK_BY_TIME)) {
            consumer.assign(key, ShardId.of(2));
            consumer.unassign(key, ShardId.of(1));
            consumer.seek(Instant.EPOCH);
            assertThat(texts(receive(consumer, 3))).containsExactly("s2-0", "s2-1", "s2-2");
            sendTo(producer, key, 1, "marker1");
            assertThat(receiveOne(consumer).asString()).as("shard 1 was not moved").isEqualTo("marker1");
        }
    }

    @Test
    @DisplayName("without assign, rewind applies to every shard")
    void rewindAllShards() {
        require(Feature.SHARDS, Feature.EXPLICIT_SHARD_SEND, Feature.REWIND);
        StreamKey key = newStreamKey("rewind-all");
        createStream(key, 2);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        Producer producer = producer(key);
        for (int i = 0; i < 6; i++) {
            sendTo(producer, key, i % 2, "s" + (i % 2) + "-" + i / 2);
        }
        List<Message> first = receive(consumer, 6);

        consumer.rewind(SeqPos.BEGINNING);

        List<Message> again = receive(consumer, 6);
        assertThat(texts(again)).containsExactlyInAnyOrderElementsOf(texts(first));
        assertOrderedPerShard(again);
    }

    // ------------------------------------------------------------------------------------------------
    // Flush, close, concurrency

    @Test
    @DisplayName("flush returns once every earlier send is stored; close flushes")
    void flushAndClose() {
        StreamKey key = newStreamKey("flush");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        Producer producer = streamer().producer(key, producerOptions());
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(producer.send("m" + i));
        }
        producer.flush();
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());

        List<CompletableFuture<Receipt>> more = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            more.add(producer.send("n" + i));
        }
        producer.close();
        assertThat(more).allSatisfy(f -> assertThat(f).isCompleted());
        producer.close();

        assertKind(StreamException.Kind.CLOSED, () -> producer.send("late"));
        List<String> expected = new ArrayList<>(payloads("m", 100));
        expected.addAll(payloads("n", 10));
        assertThat(texts(receive(consumer, 110))).isEqualTo(expected);
    }

    @Test
    @DisplayName("closing a consumer wakes a blocked next() with CLOSED; later reads fail with CLOSED")
    void closeWakesBlockedReader() throws Exception {
        StreamKey key = newStreamKey("close");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        assertThat(consumer.poll(Duration.ZERO)).as("poll(0) with nothing sent").isEmpty();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().name("tck-reader").start(() -> {
            try {
                consumer.next();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        Awaitility.await("the reader to block").atMost(patience())
                .until(() -> reader.getState() == Thread.State.WAITING || reader.getState() == Thread.State.TIMED_WAITING);

        consumer.close();

        assertThat(await(outcome)).isInstanceOfSatisfying(StreamException.class,
                e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CLOSED));
        reader.join(patience().toMillis());
        assertKind(StreamException.Kind.CLOSED, consumer::next);
        assertKind(StreamException.Kind.CLOSED, () -> consumer.poll(Duration.ZERO));
        consumer.close();
    }

    @Test
    @DisplayName("closing the streamer closes its consumers and producers")
    void closingStreamerClosesEverything() {
        StreamKey key = newStreamKey("close-all");
        createStream(key, 1);
        Streamer own = track(connect());
        Consumer consumer = own.consumer(List.of(key), consumerOptions(ConsumerOptions.realTime()));
        awaitReady(consumer);
        Producer producer = own.producer(key, producerOptions());
        CompletableFuture<Receipt> sent = producer.send("last");

        own.close();

        assertThat(sent).isCompleted();
        assertKind(StreamException.Kind.CLOSED, () -> producer.send("late"));
        assertKind(StreamException.Kind.CLOSED, consumer::next);
        own.close();
    }

    @Test
    @DisplayName("many producers on many threads: every message arrives once, each producer's in order")
    void manyProducersManyThreads() throws Exception {
        StreamKey key = newStreamKey("threads");
        createStream(key, 1);
        Consumer first = consumer(ConsumerOptions.realTime(), key);
        Consumer second = consumer(ConsumerOptions.realTime(), key);
        int producers = 4;
        int each = 100;
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Producer producer = producer(key);
            String prefix = "p" + p + "-";
            CompletableFuture<Void> finished = new CompletableFuture<>();
            done.add(finished);
            threads.add(Thread.ofVirtual().name("tck-producer-" + p).start(() -> {
                try {
                    List<CompletableFuture<Receipt>> fs = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        fs.add(producer.send(prefix + i));
                    }
                    CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
                    finished.complete(null);
                } catch (Throwable t) {
                    finished.completeExceptionally(t);
                }
            }));
        }
        List<List<Message>> received = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        List<CompletableFuture<Void>> read = new ArrayList<>();
        for (Consumer c : List.of(first, second)) {
            List<Message> sink = java.util.Collections.synchronizedList(new ArrayList<>());
            received.add(sink);
            CompletableFuture<Void> finished = new CompletableFuture<>();
            read.add(finished);
            readers.add(Thread.ofVirtual().name("tck-consumer").start(() -> {
                try {
                    sink.addAll(receive(c, producers * each));
                    finished.complete(null);
                } catch (Throwable t) {
                    finished.completeExceptionally(t);
                }
            }));
        }
        done.forEach(this::await);
        read.forEach(this::await);
        for (Thread t : threads) {
            t.join(patience().toMillis());
        }
        for (Thread t : readers) {
            t.join(patience().toMillis());
        }

        for (List<Message> got : received) {
            List<String> textsGot = texts(got);
            assertThat(textsGot).doesNotHaveDuplicates().hasSize(producers * each);
            for (int p = 0; p < producers; p++) {
                String prefix = "p" + p + "-";
                assertThat(textsGot.stream().filter(t -> t.startsWith(prefix))).containsExactlyElementsOf(payloads(prefix, each));
            }
            assertOrderedPerShard(got);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Misuse

    @Test
    @DisplayName("invalid stream keys are rejected with INVALID_STREAM_KEY, the reserved key too")
    void invalidKeys() {
        assertKind(StreamException.Kind.INVALID_STREAM_KEY, () -> StreamKey.of(""));
        assertKind(StreamException.Kind.INVALID_STREAM_KEY, () -> StreamKey.of("a:b"));
        assertKind(StreamException.Kind.INVALID_STREAM_KEY, () -> StreamKey.of("x".repeat(250)));
        StreamKey reserved = StreamKey.of(StreamKey.INTERNAL);
        Producer unanchored = producer();
        assertKind(StreamException.Kind.INVALID_STREAM_KEY, () -> unanchored.send(reserved, "x"));
    }

    @Test
    @DisplayName("consumer rules: no stream, a group in REAL_TIME, no group in LOAD_BALANCED")
    void consumerRules() {
        StreamKey key = newStreamKey("rules");
        createStream(key, 1);
        assertKind(StreamException.Kind.STREAM_KEY_EMPTY,
                () -> streamer().consumer(List.of(), consumerOptions(ConsumerOptions.realTime())));
        assertKind(StreamException.Kind.CONSUMER_GROUP_IS_SET,
                () -> streamer().consumer(List.of(key), consumerOptions(ConsumerOptions.realTime().group("g"))));
        ThrowingCallable noGroup = () -> streamer().consumer(List.of(key),
                consumerOptions(ConsumerOptions.of(ConsumerMode.LOAD_BALANCED)));
        if (has(Feature.LOAD_BALANCED)) {
            assertKind(StreamException.Kind.CONSUMER_GROUP_NOT_SET, noGroup);
        } else {
            assertThatThrownBy(noGroup).isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind())
                    .isIn(StreamException.Kind.CONSUMER_GROUP_NOT_SET, StreamException.Kind.UNSUPPORTED));
        }
    }

    @Test
    @DisplayName("commit on a REAL_TIME consumer fails with COMMIT_NOT_ALLOWED")
    void commitInRealTime() {
        StreamKey key = newStreamKey("commit-rt");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        sendAll(producer(key), key, "m", 1);
        Message m = receiveOne(consumer);

        assertKind(StreamException.Kind.COMMIT_NOT_ALLOWED, () -> consumer.commit(m));
        assertThat(consumer.commitAsync(m)).isCompletedExceptionally();
    }

    @Test
    @DisplayName("an unanchored producer's send(payload) fails with NOT_ANCHORED; an anchored one reports its anchor")
    void anchoring() {
        StreamKey key = newStreamKey("anchor");
        Producer unanchored = producer();
        assertThat(unanchored.anchor()).isEmpty();
        assertKind(StreamException.Kind.NOT_ANCHORED, () -> unanchored.send("x"));
        assertThat(producer(key).anchor()).contains(key);
    }

    @Test
    @DisplayName("assign/unassign of a stream the consumer does not read fails with STREAM_KEY_NOT_FOUND; unassigning the last fails with STREAM_KEY_EMPTY")
    void assignRules() {
        StreamKey key = newStreamKey("assign-rules");
        StreamKey other = newStreamKey("other");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);

        assertKind(StreamException.Kind.STREAM_KEY_NOT_FOUND, () -> consumer.assign(other, ShardId.ZERO));
        assertKind(StreamException.Kind.STREAM_KEY_NOT_FOUND, () -> consumer.unassign(other, ShardId.ZERO));
        consumer.assign(key, ShardId.ZERO);
        assertKind(StreamException.Kind.STREAM_KEY_EMPTY, () -> consumer.unassign(key, ShardId.ZERO));
    }

    @Test
    @DisplayName("an unknown option with the backend's prefix fails with INVALID_OPTION naming it")
    void unknownOptions() {
        require(Feature.REJECTS_UNKNOWN_OPTIONS);
        StreamKey key = newStreamKey("options");
        createStream(key, 1);
        String name = streamer().url().streamer().requireProtocol() + ".no-such-option";
        assertThatThrownBy(() -> streamer().consumer(List.of(key), consumerOptions(ConsumerOptions.realTime()).with(name, "1")))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION))
                .hasMessageContaining(name);
        assertThatThrownBy(() -> streamer().producer(key, producerOptions().with(name, "1")))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION))
                .hasMessageContaining(name);
    }

    // ------------------------------------------------------------------------------------------------
    // Scenario helpers

    /** {@code prefix0 … prefix(n-1)}. */
    static List<String> payloads(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /** How many shards the group scenarios spread messages over. */
    private int groupShards() {
        return has(Feature.SHARDS) && has(Feature.EXPLICIT_SHARD_SEND) ? 4 : 1;
    }

    /** Sends {@code n} messages round-robin over the shards, waits for the receipts, returns the payloads. */
    private List<String> sendSpread(StreamKey key, int shards, String prefix, int n) {
        Producer producer = producer(key);
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String text = prefix + i;
            sent.add(text);
            futures.add(shards == 1 ? producer.send(text)
                    : producer.send(key, ShardId.of(i % shards), text.getBytes(StandardCharsets.UTF_8)));
        }
        futures.forEach(this::await);
        return sent;
    }

    /** Polls the consumers in turn until {@code total} messages were read in all, or fails after {@link #patience()}. */
    private void readTogether(List<Consumer> consumers, List<List<Message>> sinks, int total) {
        long deadline = System.nanoTime() + patience().toNanos();
        int count = 0;
        while (count < total) {
            if (System.nanoTime() > deadline) {
                fail("the group read only " + count + " of " + total + " messages within " + patience());
            }
            for (int i = 0; i < consumers.size(); i++) {
                Optional<Message> m = consumers.get(i).poll(Duration.ofMillis(20));
                if (m.isPresent()) {
                    sinks.get(i).add(m.get());
                    count++;
                }
            }
        }
    }

    /** Asserts that within each (stream, shard) the messages have strictly increasing sequence numbers. */
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
}
