package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.tck.Capabilities.Feature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Delivery: order within a stream, several streams, receipts, payloads, and whether the data outlives
 * the connection (PERSISTENT).
 */
abstract class DeliveryScenarios extends Scenarios {

    DeliveryScenarios(AbstractStreamerConformanceTest suite) {
        super(suite);
    }

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
    @DisplayName("receipts name the stream and shard 0, sequence numbers increase (by one with CONTIGUOUS_SEQ);"
            + " with REAL_RECEIPTS a receipt is the stored header")
    void receipts() {
        StreamKey key = newStreamKey("receipts");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        List<Receipt> receipts = sendAll(producer(key), key, "r", 10);

        List<Message> got = receive(consumer, 10);

        // With or without REAL_RECEIPTS, a receipt names the stream and shard the message went to.
        assertThat(receipts).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(key);
            assertThat(r.shard()).isEqualTo(ShardId.ZERO);
        });
        if (has(Feature.REAL_RECEIPTS)) {
            assertThat(receipts).extracting(Receipt::seq).isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates();
            assertThat(receipts).extracting(Receipt::header).containsExactlyElementsOf(got.stream().map(Message::header).toList());
        }
        assertThat(texts(got)).isEqualTo(payloads("r", 10));
        assertOrderedPerShard(got);
        if (has(Feature.CONTIGUOUS_SEQ)) {
            assertContiguousPerShard(got);
        }
        capabilities().firstSeq().ifPresent(first -> assertThat(got.get(0).seq()).isEqualTo(SeqNo.of(first)));
    }

    @Test
    @DisplayName("text payloads arrive byte for byte: non-ASCII characters, JSON, 10 kB")
    void textPayloads() {
        StreamKey key = newStreamKey("payload");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        Producer producer = producer(key);
        List<byte[]> payloads = List.of(
                "héllo wörld — ✓ 😀".getBytes(StandardCharsets.UTF_8),
                "{\"a\":1,\"b\":[true,null]}".getBytes(StandardCharsets.UTF_8),
                "x".repeat(10_000).getBytes(StandardCharsets.UTF_8));
        payloads.forEach(p -> await(producer.send(p)));

        List<Message> got = receive(consumer, payloads.size());

        for (int i = 0; i < payloads.size(); i++) {
            assertThat(got.get(i).bytes()).as("payload %d", i).isEqualTo(payloads.get(i));
            assertThat(got.get(i).size()).isEqualTo(payloads.get(i).length);
        }
    }

    @Test
    @DisplayName("BINARY_PAYLOADS: any bytes arrive byte for byte; without it a line break or invalid UTF-8 is refused"
            + " with FORMAT on the receipt and the producer goes on")
    void binaryPayloads() {
        StreamKey key = newStreamKey("binary");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        Producer producer = producer(key);
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        byte[] lines = "two\nlines\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] invalidUtf8 = {'a', (byte) 0xC3, (byte) 0x28, 'b'};
        if (!has(Feature.BINARY_PAYLOADS)) {
            assertSendRefused(StreamException.Kind.FORMAT, producer, key, lines);
            assertSendRefused(StreamException.Kind.FORMAT, producer, key, invalidUtf8);
            assertSendRefused(StreamException.Kind.FORMAT, producer, key, all);
            assertNextIsMarker(consumer, key, "the first message after the refused ones");
            await(producer.send("after"));
            assertThat(receiveOne(consumer).asString()).as("the same producer after the refusals").isEqualTo("after");
            return;
        }
        List<byte[]> payloads = List.of(all, new byte[0], lines, invalidUtf8);
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
    @DisplayName("PERSISTENT: messages outlive the connection that sent them; without it an EARLIEST consumer"
            + " after a restart starts with what is sent next")
    void dataOutlivesTheConnection() {
        StreamKey key = newStreamKey("persist");
        createStream(key, 1);
        sendAll(producer(key), key, "m", 3);

        restart();

        if (!has(Feature.PERSISTENT)) {
            Consumer consumer = consumer(ConsumerOptions.realTime().reset(StreamReset.EARLIEST), key);
            assertNextIsMarker(consumer, key, "the first message after the restart (the old ones are gone)");
        } else if (has(Feature.EARLIEST_REPLAY)) {
            Consumer consumer = consumer(ConsumerOptions.realTime().reset(StreamReset.EARLIEST), key);
            assertThat(texts(receive(consumer, 3))).containsExactly("m0", "m1", "m2");
        } else if (has(Feature.REWIND)) {
            Consumer consumer = consumer(ConsumerOptions.realTime(), key);
            consumer.rewind(SeqPos.BEGINNING);
            assertThat(texts(receive(consumer, 3))).containsExactly("m0", "m1", "m2");
        } else {
            fail("PERSISTENT is checked by reading the old messages after a restart, which needs EARLIEST_REPLAY or REWIND");
        }
    }
}
