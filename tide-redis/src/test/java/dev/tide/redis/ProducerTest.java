package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The pipelining producer: batches, in-flight limits, receipts, order, flush and trimming. */
class ProducerTest extends RedisTestSupport {

    private RedisProducer producer(Streamer streamer, ProducerOptions options) {
        return (RedisProducer) track(streamer.producer(options));
    }

    @Test
    void manyMessagesThroughSmallBatchesAndFewPermitsArriveInOrderWithRealIds() {
        StreamKey key = newKey("pipeline");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer, ProducerOptions.defaults()
                .with(RedisOptions.BATCH_SIZE, 64).with(RedisOptions.MAX_IN_FLIGHT, 16));
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            futures.add(producer.send(key, "m" + i));
        }
        producer.flush();
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());

        List<?> ids = (List<?>) redis.call("XRANGE", key.name(), "-", "+");
        assertThat(ids).hasSize(5000);
        for (int i = 0; i < ids.size(); i++) {
            List<?> entry = (List<?>) ids.get(i);
            Receipt r = futures.get(i).join();
            assertThat(EntryId.of(r.seq())).hasToString((String) entry.get(0));
            assertThat(entry.get(1)).isEqualTo(List.of("msg", "m" + i));
        }
    }

    @Test
    void lingerFillsBatchesAndStillDeliversEverything() {
        StreamKey key = newKey("linger");
        Streamer streamer = connect();
        RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime(), key);
        RedisProducer producer = producer(streamer, ProducerOptions.defaults()
                .with(RedisOptions.BATCH_SIZE, 50).with(RedisOptions.LINGER, Duration.ofMillis(5)));
        List<Receipt> receipts = sendAll(producer, key, "m", 0, 120);
        assertThat(receipts).extracting(Receipt::key).containsOnly(key);
        assertThat(texts(receive(consumer, 120))).isEqualTo(payloads("m", 0, 120));
    }

    @Test
    void sendsToSeveralStreamsKeepEachStreamsOrder() {
        StreamKey a = newKey("order-a");
        StreamKey b = newKey("order-b");
        Streamer streamer = connect();
        RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime(), a, b);
        RedisProducer producer = producer(streamer);
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            futures.add(producer.send(i % 2 == 0 ? a : b, "m" + i));
            futures.add(producer.send(a, ShardId.of(1), ("s" + i).getBytes()));
        }
        futures.forEach(RedisTestSupport::await);
        List<Message> got = receive(consumer, 1000);
        assertOrderedPerShard(got);
        List<String> onA = texts(got.stream().filter(m -> m.key().equals(a) && m.shard().equals(ShardId.ZERO)).toList());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i += 2) {
            expected.add("m" + i);
        }
        assertThat(onA).isEqualTo(expected);
    }

    @Test
    void trimByLengthAppliesToThePlainKeyAndEveryShard() {
        StreamKey key = newKey("trim-len");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer);
        for (int i = 0; i < 30; i++) {
            producer.send(key, "p" + i);
            producer.send(key, ShardId.of(i % 2), ("s" + i).getBytes());
        }
        long removed = await(producer.trimMaxLength(key, 5, true));

        assertThat(removed).isEqualTo(25 + 10 + 10);
        assertThat(redis.call("XLEN", key.name())).isEqualTo(5L);
        assertThat(redis.call("XLEN", key.name() + ":0")).isEqualTo(5L);
        assertThat(redis.call("XLEN", key.name() + ":1")).isEqualTo(5L);
        List<?> first = (List<?>) ((List<?>) redis.call("XRANGE", key.name(), "-", "+", "COUNT", 1)).get(0);
        assertThat(first.get(1)).isEqualTo(List.of("msg", "p25"));
        // approximate trimming of a small stream keeps whole radix-tree nodes: nothing to remove here
        assertThat(await(producer.trimMaxLength(key, 1, false))).isZero();
    }

    @Test
    void trimByTimestampRemovesOlderEntries() {
        StreamKey key = newKey("trim-ts");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer);
        List<Receipt> old = sendAll(producer, key, "old", 0, 10);
        letTimePass(old.get(9).timestamp());
        List<Receipt> fresh = sendAll(producer, key, "new", 0, 3);
        Instant cut = fresh.get(0).timestamp();

        assertThat(await(producer.trimMinTimestamp(key, cut, true))).isEqualTo(10L);
        RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime().reset(StreamReset.EARLIEST), key);
        assertThat(texts(receive(consumer, 3))).containsExactly("new0", "new1", "new2");
    }

    @Test
    void closedProducersRefuseSendsAndTrims() {
        StreamKey key = newKey("closed");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer);
        CompletableFuture<Receipt> last = producer.send(key, "last");
        producer.close();
        assertThat(last).isCompleted();
        assertKind(StreamException.Kind.CLOSED, () -> producer.send(key, "late"));
        assertKind(StreamException.Kind.CLOSED, () -> producer.trimMaxLength(key, 1, true));
        producer.flush();
        producer.close();
    }

    @Test
    void invalidOptionsAreRejected() {
        Streamer streamer = connect();
        assertKind(StreamException.Kind.INVALID_OPTION,
                () -> streamer.producer(ProducerOptions.defaults().with(RedisOptions.MAX_IN_FLIGHT, 0)));
        assertKind(StreamException.Kind.INVALID_OPTION,
                () -> streamer.producer(ProducerOptions.defaults().with("redis.sharder", "nonsense")));
    }

    @Test
    void anErrorReplyToOneXaddOfABatchFailsExactlyThatReceipt() {
        StreamKey good = newKey("batch-good");
        StreamKey bad = newKey("batch-bad");
        redis.call("SET", bad.name(), "not a stream");
        Streamer streamer = connect();
        // a long linger puts every send below in one batch
        RedisProducer producer = producer(streamer, ProducerOptions.defaults()
                .with(RedisOptions.BATCH_SIZE, 7).with(RedisOptions.LINGER, Duration.ofSeconds(30)));
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            futures.add(producer.send(i == 3 ? bad : good, "m" + i));
        }
        producer.flush();

        assertThat(futures.get(3)).isCompletedExceptionally();
        StreamException error = catchStreamException(futures.get(3));
        assertThat(error.kind()).isEqualTo(StreamException.Kind.BACKEND);
        assertThat(error).hasMessageContaining("WRONGTYPE").hasMessageContaining(bad.name());
        List<?> entries = (List<?>) redis.call("XRANGE", good.name(), "-", "+");
        assertThat(entries).hasSize(6);
        int at = 0;
        for (int i = 0; i < 7; i++) {
            if (i == 3) {
                continue;
            }
            List<?> entry = (List<?>) entries.get(at++);
            assertThat(EntryId.of(futures.get(i).join().seq())).hasToString((String) entry.get(0));
            assertThat(entry.get(1)).isEqualTo(List.of("msg", "m" + i));
        }
        assertThat(redis.call("GET", bad.name())).isEqualTo("not a stream");
    }

    @Test
    void receiptsOfManyKeysInOneBatchCarryTheirOwnIds() {
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer, ProducerOptions.defaults().with(RedisOptions.LINGER, Duration.ofSeconds(30))
                .with(RedisOptions.BATCH_SIZE, 300));
        List<StreamKey> keys = List.of(newKey("multi-a"), newKey("multi-b"), newKey("multi-c"));
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            futures.add(producer.send(keys.get(i % 3), ShardId.of(i % 2), ("m" + i).getBytes()));
        }
        producer.flush();
        for (StreamKey key : keys) {
            for (int shard = 0; shard < 2; shard++) {
                List<?> entries = (List<?>) redis.call("XRANGE", key.name() + ":" + shard, "-", "+");
                assertThat(entries).hasSize(50);
                int at = 0;
                for (int i = 0; i < 300; i++) {
                    if (!keys.get(i % 3).equals(key) || i % 2 != shard) {
                        continue;
                    }
                    List<?> entry = (List<?>) entries.get(at++);
                    Receipt r = futures.get(i).join();
                    assertThat(r.key()).isEqualTo(key);
                    assertThat(r.shard()).isEqualTo(ShardId.of(shard));
                    assertThat(EntryId.of(r.seq())).hasToString((String) entry.get(0));
                    assertThat(entry.get(1)).isEqualTo(List.of("msg", "m" + i));
                }
            }
        }
    }

    private static StreamException catchStreamException(CompletableFuture<Receipt> f) {
        try {
            f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof StreamException se) {
                return se;
            }
            throw e;
        }
        throw new AssertionError("expected " + f + " to fail");
    }
}
