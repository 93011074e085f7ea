package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SeaStreamer's {@code realtime.rs} and {@code realtime-multi.rs} scenarios (the latter the regression
 * tests of its issues #47/#48) against a real server.
 */
class RealtimeTest extends RedisTestSupport {

    /** realtime.rs */
    @Test
    void latestAndEarliestConsumers() {
        StreamKey a = newKey("rt-a");
        StreamKey b = newKey("rt-b");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer);
        List<Receipt> first = sendAll(producer, a, "", 0, 5);
        for (int i = 0; i < first.size(); i++) {
            assertThat(first.get(i).key()).isEqualTo(a);
            assertThat(first.get(i).shard()).isEqualTo(ShardId.ZERO);
            if (i > 0) {
                assertThat(first.get(i).seq()).isGreaterThan(first.get(i - 1).seq());
            }
        }
        RedisConsumer half = consumer(streamer, ConsumerOptions.realTime(), a);
        sendAll(producer, a, "", 5, 10);
        RedisConsumer full = consumer(streamer, ConsumerOptions.realTime().reset(StreamReset.EARLIEST), a, b);

        assertThat(texts(receive(half, 5))).isEqualTo(payloads("", 5, 10));
        assertThat(texts(receive(full, 10))).isEqualTo(payloads("", 0, 10));

        sendAll(producer, a, "", 10, 13);
        half.close();
        assertThat(texts(receive(full, 3))).isEqualTo(payloads("", 10, 13));

        sendAll(producer, a, "", 13, 15);
        sendAll(producer, b, "", 15, 20);
        List<Message> rest = receive(full, 7);
        assertThat(texts(rest.stream().filter(m -> m.key().equals(a)).toList())).containsExactly("13", "14");
        assertThat(texts(rest.stream().filter(m -> m.key().equals(b)).toList())).isEqualTo(payloads("", 15, 20));
    }

    /** realtime-multi.rs: fast_starves_slow — a busy stream must not starve a quiet one. */
    @Test
    void aBusyStreamDoesNotStarveAQuietOne() {
        StreamKey fast = newKey("fast");
        StreamKey slow = newKey("slow");
        Streamer streamer = connect();
        RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime().with(RedisOptions.BATCH_SIZE, 10), fast, slow);
        RedisProducer producer = producer(streamer);
        List<CompletableFuture<Receipt>> sent = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            sent.add(producer.send(fast, "f" + i));
            if (i == 1000) {
                sent.add(producer.send(slow, "slow"));
            }
        }
        sent.forEach(RedisTestSupport::await);

        List<Message> got = receive(consumer, 2001);
        assertThat(texts(got)).contains("slow");
        assertThat(texts(got.stream().filter(m -> m.key().equals(fast)).toList())).isEqualTo(payloads("f", 0, 2000));
    }

    /**
     * realtime-multi.rs: many_quiet_streams and multiple_rounds — a message that lands on a quiet stream
     * between two reads is never lost (SeaStreamer #47/#48: re-reading from "$" dropped it).
     */
    @Test
    void messagesOnManyQuietStreamsAreNeverLost() {
        List<StreamKey> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            keys.add(newKey("quiet"));
        }
        Streamer streamer = connect();
        RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime().with(RedisOptions.BATCH_SIZE, 1),
                keys.toArray(StreamKey[]::new));
        RedisProducer producer = producer(streamer);
        for (int round = 0; round < 5; round++) {
            // one stream at a time, taking what has arrived in between, so sends land between reads
            List<Message> got = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                await(producer.send(keys.get(i), "r" + round + "-s" + i));
                consumer.poll(Duration.ZERO).ifPresent(got::add);
            }
            got.addAll(receive(consumer, keys.size() - got.size()));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                expected.add("r" + round + "-s" + i);
            }
            assertThat(texts(got)).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /** A quiet stream written to while a busy one is being written to, from another thread, loses nothing. */
    @Test
    void aQuietStreamWrittenDuringReadsOfABusyOneLosesNothing() throws Exception {
        StreamKey busy = newKey("busy");
        StreamKey quiet = newKey("quiet");
        Streamer streamer = connect();
        RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime().with(RedisOptions.BATCH_SIZE, 5), busy, quiet);
        RedisProducer busyProducer = producer(streamer);
        RedisProducer quietProducer = producer(streamer);
        CompletableFuture<Void> busyDone = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                List<CompletableFuture<Receipt>> fs = new ArrayList<>();
                for (int i = 0; i < 3000; i++) {
                    fs.add(busyProducer.send(busy, "b" + i));
                }
                fs.forEach(RedisTestSupport::await);
                busyDone.complete(null);
            } catch (Throwable e) {
                busyDone.completeExceptionally(e);
            }
        });
        List<String> quietSent = new ArrayList<>();
        List<Message> got = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            await(quietProducer.send(quiet, "q" + i));
            quietSent.add("q" + i);
            got.addAll(receive(consumer, 20));
        }
        await(busyDone);
        t.join();
        got.addAll(receiveAll(consumer, quietSent.stream().filter(q -> !texts(got).contains(q)).toList()));

        assertThat(texts(got.stream().filter(m -> m.key().equals(quiet)).toList())).isEqualTo(quietSent);
        assertOrderedPerShard(got);
    }

    /** realtime-multi.rs: latest_skips_history and quiet_history_not_starved_nor_replayed. */
    @Test
    void latestAnchorsAtEachStreamsOwnTail() {
        StreamKey busy = newKey("history-busy");
        StreamKey quiet = newKey("history-quiet");
        for (int i = 0; i < 50; i++) {
            seaStreamerXadd(busy.name(), "old-busy-" + i);
        }
        seaStreamerXadd(quiet.name(), "old-quiet");
        Streamer streamer = connect();
        RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime().with(RedisOptions.BATCH_SIZE, 10), busy, quiet);
        RedisProducer producer = producer(streamer);
        sendAll(producer, busy, "new-busy-", 0, 30);
        sendAll(producer, quiet, "new-quiet-", 0, 1);

        List<Message> got = receive(consumer, 31);
        assertThat(texts(got)).noneMatch(t -> t.startsWith("old"));
        assertThat(texts(got)).contains("new-quiet-0");
    }

    /** realtime-multi.rs: absent_streams_all_delivered and earliest_gets_everything. */
    @Test
    void streamsThatDoNotExistYetAreReadFromTheirFirstEntry() {
        StreamKey absent1 = newKey("absent");
        StreamKey absent2 = newKey("absent");
        StreamKey existing = newKey("existing");
        seaStreamerXadd(existing.name(), "before");
        Streamer streamer = connect();
        RedisConsumer latest = consumer(streamer, ConsumerOptions.realTime(), absent1, absent2, existing);
        RedisConsumer earliest = consumer(streamer, ConsumerOptions.realTime().reset(StreamReset.EARLIEST), absent1, absent2, existing);
        RedisProducer producer = producer(streamer);
        await(producer.send(absent1, "first-1"));
        await(producer.send(absent2, "first-2"));
        await(producer.send(existing, "after"));

        assertThat(texts(receive(latest, 3))).containsExactlyInAnyOrder("first-1", "first-2", "after");
        assertThat(texts(receive(earliest, 4))).containsExactlyInAnyOrder("before", "first-1", "first-2", "after");
    }

    /** realtime-multi.rs: wrong_type_key_errors — an error naming WRONGTYPE, not a hang. */
    @Test
    void aKeyOfAnotherTypeIsAnErrorNotAHang() {
        StreamKey text = newKey("string");
        redis.call("SET", text.name(), "not a stream");
        Streamer streamer = connect();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime(), text);
            consumer.poll(PATIENCE);
        }).isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.BACKEND))
                .hasMessageContaining("WRONGTYPE");

        RedisConsumer earliest = consumer(streamer, ConsumerOptions.realTime().reset(StreamReset.EARLIEST), text);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> earliest.poll(PATIENCE))
                .isInstanceOf(StreamException.class).hasMessageContaining("WRONGTYPE");
        // the failure is permanent: the next call reports it again
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> earliest.poll(Duration.ZERO))
                .hasMessageContaining("WRONGTYPE");
    }
}
