package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Receipt;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SeaStreamer's Kafka scenario ({@code sea-streamer-kafka/tests/consumer.rs}) against a real broker:
 * receipts carry the offsets, rewind is inclusive, a resumable consumer resumes after its commit, and
 * seek goes to the first message at or after a time. Where SeaStreamer commits offset n to mean "read n
 * next", Tide commits message n-1 ("processed"); the observable outcome is the same.
 */
class SeaStreamerKafkaScenarioTest {

    private KafkaStreamer streamer;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void connect() {
        streamer = KafkaTesting.connect();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        streamer.close();
    }

    private <T extends AutoCloseable> T track(T c) {
        opened.add(c);
        return c;
    }

    @Test
    void receiptsRewindResumeAndSeek() throws Exception {
        StreamKey topic = KafkaTesting.topic("sea");
        KafkaProducer producer = track(streamer.producer(topic, dev.tide.ProducerOptions.defaults()));

        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            receipts.add(producer.send(Integer.toString(i)).get(60, TimeUnit.SECONDS));
        }
        for (int i = 0; i < 7; i++) {
            Receipt r = receipts.get(i);
            assertThat(r.key()).isEqualTo(topic);
            assertThat(r.shard()).isEqualTo(ShardId.ZERO);
            assertThat(r.seq().value()).isEqualTo(i);
        }
        // SeaStreamer sleeps a second here; waiting for the clock to pass the last stored timestamp is enough.
        Instant pointInTime = receipts.get(6).timestamp().plusMillis(1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(() -> Instant.now().isAfter(pointInTime));
        for (int i = 7; i < 10; i++) {
            receipts.add(producer.send(Integer.toString(i)).get(60, TimeUnit.SECONDS));
        }
        for (int i = 10; i < 20; i++) {
            KafkaRecord record = KafkaRecord.of(topic, Integer.toString(i)).withKey("key-" + i).withShard(ShardId.ZERO)
                    .withHeader(KafkaHeader.of("n", Integer.toString(i)));
            Receipt r = producer.send(record).get(60, TimeUnit.SECONDS);
            assertThat(r.seq().value()).isEqualTo(i);
            receipts.add(r);
        }
        assertThat(receipts.get(7).timestamp()).isAfterOrEqualTo(pointInTime);

        // REAL_TIME from the earliest: everything, with the stored headers and the Kafka parts.
        Consumer realTime = track(streamer.consumer(List.of(topic), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)));
        List<Message> all = receive(realTime, 20);
        assertThat(numbers(all)).isEqualTo(range(0, 20));
        for (int i = 0; i < 20; i++) {
            assertThat(all.get(i).header()).isEqualTo(receipts.get(i).header());
        }
        KafkaMessage keyed = KafkaMessage.from(all.get(12)).orElseThrow();
        assertThat(new String(keyed.recordKey().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("key-12");
        assertThat(keyed.headers()).containsExactly(KafkaHeader.of("n", "12"));
        assertThat(KafkaMessage.from(all.get(3)).orElseThrow().recordKey()).isEmpty();

        realTime.assign(topic, ShardId.ZERO);
        realTime.rewind(SeqPos.BEGINNING);
        assertThat(numbers(receive(realTime, 10))).isEqualTo(range(0, 10));
        realTime.rewind(SeqPos.at(5));
        assertThat(numbers(receive(realTime, 5))).as("rewind is inclusive").isEqualTo(range(5, 10));

        // RESUMABLE: read 0..9, commit 5 as processed, a new consumer of the group resumes at 6.
        String group = KafkaTesting.group("sea");
        ConsumerOptions resumable = ConsumerOptions.resumable().group(group).reset(StreamReset.EARLIEST);
        Consumer first = streamer.consumer(List.of(topic), resumable);
        List<Message> firstTen = receive(first, 10);
        assertThat(numbers(firstTen)).isEqualTo(range(0, 10));
        first.commit(firstTen.get(5));
        first.close();

        Consumer second = track(streamer.consumer(List.of(topic), resumable));
        assertThat(numbers(receive(second, 4))).isEqualTo(range(6, 10));
        second.seek(pointInTime);
        List<Message> afterSeek = receive(second, 13);
        assertThat(numbers(afterSeek)).isEqualTo(range(7, 20));
        CompletableFuture<Void> committed = second.commitAsync(afterSeek.get(12));
        committed.get(60, TimeUnit.SECONDS);
        second.close();

        Consumer third = track(streamer.consumer(List.of(topic), resumable));
        producer.send("20").get(60, TimeUnit.SECONDS);
        assertThat(numbers(receive(third, 1))).as("resumes after the last commit").containsExactly(20);
    }

    static List<Message> receive(Consumer consumer, int n) {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + KafkaTesting.PATIENCE.toNanos();
        while (out.size() < n) {
            if (System.nanoTime() > deadline) {
                fail("received only " + numbers(out) + " of " + n + " messages");
            }
            consumer.poll(Duration.ofMillis(500)).ifPresent(out::add);
        }
        return out;
    }

    static List<Integer> numbers(List<Message> messages) {
        return messages.stream().map(m -> Integer.parseInt(m.asString())).toList();
    }

    static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }
}
