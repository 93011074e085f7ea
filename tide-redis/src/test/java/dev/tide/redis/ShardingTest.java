package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** SeaStreamer's {@code sharding.rs}, plus the hash and custom sharders and shards that appear later. */
class ShardingTest extends RedisTestSupport {

    private RedisProducer shardedProducer(Streamer streamer, Sharder sharder) {
        return (RedisProducer) track(streamer.producer(ProducerOptions.defaults().with(RedisOptions.SHARDER, sharder)));
    }

    private ConsumerOptions options(ConsumerMode mode) {
        ConsumerOptions o = quick(ConsumerOptions.of(mode).reset(StreamReset.EARLIEST));
        return mode == ConsumerMode.REAL_TIME ? o : o.group(newGroup("shards"));
    }

    /** sharding.rs: round robin over 3 shards; a consumer created after the shards exist reads them all. */
    @ParameterizedTest
    @EnumSource(value = ConsumerMode.class, names = {"REAL_TIME", "RESUMABLE"})
    void roundRobinSharding(ConsumerMode mode) {
        StreamKey key = newKey("rr");
        Streamer streamer = connect();
        RedisProducer producer = shardedProducer(streamer, Sharder.roundRobin(3));
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            receipts.add(await(producer.send(key, Integer.toString(i))));
        }
        Map<ShardId, Receipt> lastOfShard = new TreeMap<>();
        for (int i = 0; i < receipts.size(); i++) {
            Receipt r = receipts.get(i);
            assertThat(r.shard()).isEqualTo(ShardId.of(i % 3));
            Receipt before = lastOfShard.put(r.shard(), r);
            if (before != null) {
                assertThat(r.seq()).isGreaterThan(before.seq());
            }
        }
        assertThat(redis.call("EXISTS", key.name() + ":0", key.name() + ":1", key.name() + ":2")).isEqualTo(3L);
        assertThat(redis.call("EXISTS", key.name())).isEqualTo(0L);

        RedisConsumer consumer = consumer(streamer, options(mode), key);
        assertThat(consumer.shards().get(key)).containsExactly(ShardId.of(0), ShardId.of(1), ShardId.of(2));
        List<Message> first = receive(consumer, 10);
        assertThat(texts(first).stream().map(Integer::parseInt).sorted().toList()).isEqualTo(range(0, 10));
        assertOrderedPerShard(first);

        for (int i = 10; i < 20; i++) {
            await(producer.send(key, Integer.toString(i)));
        }
        List<Message> second = receive(consumer, 10);
        assertThat(texts(second).stream().map(Integer::parseInt).sorted().toList()).isEqualTo(range(10, 20));
        for (Message m : second) {
            assertThat(m.shard().id()).isEqualTo(Long.parseLong(m.asString()) % 3);
        }
    }

    @Test
    void hashShardingKeepsEqualKeysOnOneShardInOrder() {
        StreamKey key = newKey("hash");
        Streamer streamer = connect();
        Sharder byCustomer = Sharder.byKeyHash(4, p -> new String(p, StandardCharsets.UTF_8).split("/")[0].getBytes(StandardCharsets.UTF_8));
        RedisProducer producer = shardedProducer(streamer, byCustomer);
        RedisConsumer consumer = consumer(streamer, options(ConsumerMode.REAL_TIME), key);
        List<CompletableFuture<Receipt>> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add(producer.send(key, "customer" + (i % 5) + "/" + i));
        }
        Map<String, ShardId> shardOfCustomer = new TreeMap<>();
        for (int i = 0; i < sent.size(); i++) {
            Receipt r = await(sent.get(i));
            ShardId before = shardOfCustomer.putIfAbsent("customer" + (i % 5), r.shard());
            assertThat(before == null || before.equals(r.shard())).as("customer %s stays on one shard", i % 5).isTrue();
        }
        List<Message> got = receive(consumer, 40);
        for (int c = 0; c < 5; c++) {
            String prefix = "customer" + c + "/";
            List<Integer> order = texts(got).stream().filter(t -> t.startsWith(prefix))
                    .map(t -> Integer.parseInt(t.substring(prefix.length()))).toList();
            assertThat(order).isSorted().hasSize(8);
        }
    }

    @Test
    void aCustomSharderChoosesTheShard() {
        StreamKey key = newKey("custom");
        Streamer streamer = connect();
        Sharder bySize = (k, payload) -> payload.length > 3 ? 7 : 1;
        RedisProducer producer = shardedProducer(streamer, bySize);
        assertThat(await(producer.send(key, "big payload")).shard()).isEqualTo(ShardId.of(7));
        assertThat(await(producer.send(key, "s")).shard()).isEqualTo(ShardId.of(1));
        assertThat(redis.call("XLEN", key.name() + ":7")).isEqualTo(1L);
        assertThat(redis.call("XLEN", key.name() + ":1")).isEqualTo(1L);
    }

    /** Shards created after a consumer started are found with SCAN and read from their first entry. */
    @ParameterizedTest
    @EnumSource(value = ConsumerMode.class, names = {"REAL_TIME", "RESUMABLE", "LOAD_BALANCED"})
    void shardsCreatedLaterAreDiscovered(ConsumerMode mode) {
        StreamKey key = newKey("later");
        Streamer streamer = connect();
        RedisConsumer consumer = consumer(streamer, options(mode).reset(StreamReset.LATEST), key);
        RedisProducer producer = shardedProducer(streamer, Sharder.roundRobin(4));
        sendAll(producer, key, "m", 0, 12);

        List<Message> got = receive(consumer, 12);
        assertThat(texts(got)).containsExactlyInAnyOrderElementsOf(payloads("m", 0, 12));
        assertThat(consumer.shards().get(key)).contains(ShardId.of(0), ShardId.of(1), ShardId.of(2), ShardId.of(3));
        // a SeaStreamer producer adding a fifth shard by hand is found too
        seaStreamerXadd(key.name() + ":4", "fifth");
        assertThat(receive(consumer, 1).get(0).shard()).isEqualTo(ShardId.of(4));
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }
}
