package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import dev.tide.tck.Capabilities.Feature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/*
 * The base of every scenario family. A family is a package-private abstract class of @Test methods; the
 * suite declares one @Nested inner class per family that extends it and hands over the enclosing test
 * instance, so the scenarios run with the subclass's hooks and inside the suite's per-test lifecycle (a
 * fresh connection, everything tracked closed afterwards).
 *
 * The methods here only forward to the suite, so that scenarios read as if they were written in it, and
 * add the few helpers that only scenarios need (markers, refused sends, shard spreading).
 */
abstract class Scenarios {

    /** The text of the marker messages that prove where a consumer stands. */
    static final String MARKER = "marker";

    private final AbstractStreamerConformanceTest suite;

    Scenarios(AbstractStreamerConformanceTest suite) {
        this.suite = suite;
    }

    // ------------------------------------------------------------------------------------------------
    // The suite's hooks and helpers

    final Capabilities capabilities() {
        return suite.capabilities();
    }

    final boolean has(Feature feature) {
        return suite.has(feature);
    }

    final Streamer streamer() {
        return suite.streamer();
    }

    final Streamer connect() {
        return suite.connect();
    }

    final Streamer restart() {
        return suite.restart();
    }

    final StreamKey newStreamKey(String hint) {
        return suite.newStreamKey(hint);
    }

    final String newGroupName(String hint) {
        return suite.newGroupName(hint);
    }

    final void createStream(StreamKey key, int shards) {
        suite.createStream(key, shards);
    }

    final void awaitReady(Consumer consumer) {
        suite.awaitReady(consumer);
    }

    final Duration patience() {
        return suite.patience();
    }

    final ConsumerOptions consumerOptions(ConsumerOptions options) {
        return suite.consumerOptions(options);
    }

    final ProducerOptions producerOptions() {
        return suite.producerOptions();
    }

    final void letTimePass(Instant stored) {
        suite.letTimePass(stored);
    }

    final Producer producer(StreamKey key) {
        return suite.producer(key);
    }

    final Producer producer() {
        return suite.producer();
    }

    final Consumer consumer(ConsumerOptions options, StreamKey... keys) {
        return suite.consumer(options, keys);
    }

    final <T extends AutoCloseable> T track(T closeable) {
        return suite.track(closeable);
    }

    final List<Message> receive(Consumer consumer, int n) {
        return suite.receive(consumer, n);
    }

    final Message receiveOne(Consumer consumer) {
        return suite.receiveOne(consumer);
    }

    final List<Receipt> sendAll(Producer producer, StreamKey key, String prefix, int n) {
        return suite.sendAll(producer, key, prefix, n);
    }

    final Receipt sendTo(Producer producer, StreamKey key, long shard, String text) {
        return suite.sendTo(producer, key, shard, text);
    }

    final <T> T await(CompletableFuture<T> future) {
        return suite.await(future);
    }

    static List<String> texts(List<Message> messages) {
        return AbstractStreamerConformanceTest.texts(messages);
    }

    static void assertKind(StreamException.Kind kind, ThrowingCallable call) {
        AbstractStreamerConformanceTest.assertKind(kind, call);
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers of the scenarios

    /** {@code prefix0 … prefix(n-1)}. */
    static List<String> payloads(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /**
     * Whether the suite can put messages on chosen shards and read them back by shard: the backend has
     * both {@link Feature#SHARDS} and {@link Feature#EXPLICIT_SHARD_SEND}.
     */
    final boolean shardsTestable() {
        return has(Feature.SHARDS) && has(Feature.EXPLICIT_SHARD_SEND);
    }

    /**
     * Sends {@code n} messages {@code prefix0 …} round-robin over the shards (with one shard, through
     * the plain {@code send}), waits for every receipt, returns the payloads in send order.
     */
    final List<String> sendSpread(StreamKey key, int shards, String prefix, int n) {
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

    /**
     * Sends {@code s<shard>-<i>} for i below {@code perShard} to every shard, interleaved (with one shard,
     * through the plain {@code send}), and waits for every receipt.
     */
    final void sendPerShard(Producer producer, StreamKey key, int shards, int perShard) {
        sendPerShard(producer, key, shards, perShard, "s");
    }

    /** As {@link #sendPerShard(Producer, StreamKey, int, int)}, the payloads being {@code <prefix><shard>-<i>}. */
    final void sendPerShard(Producer producer, StreamKey key, int shards, int perShard, String prefix) {
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        for (int i = 0; i < perShard; i++) {
            for (int s = 0; s < shards; s++) {
                String text = prefix + s + "-" + i;
                futures.add(shards == 1 ? producer.send(key, text)
                        : producer.send(key, ShardId.of(s), text.getBytes(StandardCharsets.UTF_8)));
            }
        }
        futures.forEach(this::await);
    }

    /** The payloads of the messages of one shard, in arrival order. */
    static List<String> textsOfShard(List<Message> messages, long shard) {
        return messages.stream().filter(m -> m.shard().id() == shard).map(Message::asString).toList();
    }

    /** The first message with the given payload; fails if there is none. */
    static Message find(List<Message> messages, String text) {
        return messages.stream().filter(m -> m.asString().equals(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no message " + text + " among " + texts(messages)));
    }

    /**
     * Receives until a message with the given payload arrives (within {@link #patience()}).
     *
     * @return every message received, the one with {@code last} at the end
     */
    final List<Message> receiveUntil(Consumer consumer, String last) {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + patience().toNanos();
        while (out.isEmpty() || !out.get(out.size() - 1).asString().equals(last)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("no " + last + " within " + patience() + "; received " + texts(out));
            }
            consumer.poll(Duration.ofNanos(left)).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Proves a consumer still reads, and reads from where the scenario says: sends {@link #MARKER} to
     * {@code key} and asserts that it is the next message the consumer receives.
     */
    final void assertNextIsMarker(Consumer consumer, StreamKey key, String why) {
        await(producer(key).send(key, MARKER));
        assertThat(receiveOne(consumer).asString()).as(why).isEqualTo(MARKER);
    }

    /**
     * Proves the connection still serves after a refused call: a new {@code REAL_TIME} consumer of
     * {@code key} receives a marker sent after it.
     */
    final void assertStillServes(StreamKey key) {
        assertNextIsMarker(consumer(ConsumerOptions.realTime(), key), key, "a REAL_TIME consumer after the refused call");
    }

    /**
     * Sends a payload the backend must refuse and asserts how: {@code send} returns a future (it does not
     * throw) and the future fails with a {@link StreamException} of the given kind within
     * {@link #patience()}.
     */
    final void assertSendRefused(StreamException.Kind kind, Producer producer, StreamKey key, byte[] payload) {
        CompletableFuture<Receipt> receipt;
        try {
            receipt = producer.send(key, payload);
        } catch (StreamException e) {
            throw new AssertionError("send threw " + e + " instead of returning a receipt future that fails with " + kind, e);
        }
        try {
            Receipt r = receipt.get(patience().toNanos(), TimeUnit.NANOSECONDS);
            fail("the payload was accepted, receipt " + r + "; expected the receipt to fail with " + kind);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(StreamException.class,
                    x -> assertThat(x.kind()).as(x.toString()).isEqualTo(kind));
        } catch (TimeoutException e) {
            fail("the receipt neither failed nor completed within " + patience());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Polls the consumers in turn until {@code total} messages were read in all, or fails after {@link #patience()}. */
    final void readTogether(List<Consumer> consumers, List<List<Message>> sinks, int total) {
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

    /** Asserts that within each shard the sequence numbers are contiguous: each the previous one's plus one. */
    static void assertContiguousPerShard(List<Message> messages) {
        Map<String, SeqNo> last = new HashMap<>();
        for (Message m : messages) {
            String where = m.key() + "/" + m.shard();
            SeqNo before = last.put(where, m.seq());
            if (before != null) {
                assertThat(m.seq()).as("seq after %s on %s", before, where).isEqualTo(before.next());
            }
        }
    }
}
