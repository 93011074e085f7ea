package dev.tide.redis;

import static dev.tide.redis.RedisTestSupport.assertOrderedPerShard;
import static dev.tide.redis.RedisTestSupport.payloads;
import static dev.tide.redis.RedisTestSupport.quick;
import static dev.tide.redis.RedisTestSupport.receive;
import static dev.tide.redis.RedisTestSupport.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import dev.tide.tck.RedisCluster;
import dev.tide.tck.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Producers and consumers against a real 3-master Redis Cluster, with sharded streams spread over the
 * masters, including a slot migration in the middle of a run (ASK while keys move, MOVED after).
 */
class ClusterTest {

    private static final AtomicLong COUNTER = new AtomicLong();
    private static RedisCluster cluster;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void closeOpened() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    private <T extends AutoCloseable> T track(T c) {
        opened.add(c);
        return c;
    }

    private static StreamKey newKey(String hint) {
        return StreamKey.of(hint + "-" + COUNTER.incrementAndGet());
    }

    private Streamer connect() {
        return track(Streamer.connect(cluster.uri() + "/"));
    }

    private RedisProducer producer(Streamer streamer, int shards) {
        return (RedisProducer) track(streamer.producer(ProducerOptions.defaults().with(RedisOptions.SHARDER, Sharder.roundRobin(shards))));
    }

    private RedisConsumer consumer(Streamer streamer, ConsumerOptions options, StreamKey key) {
        return (RedisConsumer) track(streamer.consumer(List.of(key), quick(options)));
    }

    private static List<Receipt> send(RedisProducer producer, StreamKey key, int from, int to) {
        List<CompletableFuture<Receipt>> fs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            fs.add(producer.send(key, "m" + i));
        }
        return fs.stream().map(RedisTestSupport::await).toList();
    }

    @Test
    void shardedStreamsSpreadOverTheMastersAndAreReadInEveryMode() {
        StreamKey key = newKey("spread");
        Streamer streamer = connect();
        RedisConsumer realTime = consumer(streamer, ConsumerOptions.realTime(), key);
        RedisConsumer resumable = consumer(streamer, ConsumerOptions.resumable().group("spread-r").reset(StreamReset.EARLIEST), key);
        ConsumerOptions lb = ConsumerOptions.loadBalanced("spread-lb").with(RedisOptions.BATCH_SIZE, 1);
        RedisConsumer a = consumer(streamer, lb, key);
        RedisConsumer b = consumer(streamer, lb, key);
        RedisProducer producer = producer(streamer, 6);
        List<Receipt> receipts = send(producer, key, 0, 60);

        Set<Integer> masters = new HashSet<>();
        for (int s = 0; s < 6; s++) {
            masters.add(cluster.nodeForSlot(RedisCluster.slot(key.name() + ":" + s)).port());
        }
        assertThat(masters).as("masters serving the six shards").hasSizeGreaterThan(1);
        assertThat(receipts).extracting(Receipt::shard).containsOnly(
                ShardId.of(0), ShardId.of(1), ShardId.of(2), ShardId.of(3), ShardId.of(4), ShardId.of(5));

        List<Message> rt = receive(realTime, 60);
        assertThat(texts(rt)).containsExactlyInAnyOrderElementsOf(payloads("m", 0, 60));
        assertOrderedPerShard(rt);
        List<Message> res = receive(resumable, 60);
        assertThat(texts(res)).containsExactlyInAnyOrderElementsOf(payloads("m", 0, 60));
        resumable.commit(res.get(res.size() - 1));

        List<Message> shared = readTogether(List.of(a, b), 60);
        assertThat(texts(shared)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(payloads("m", 0, 60));

        // positioning works across the nodes too (SeaStreamer's cluster mode panics here)
        realTime.rewind(SeqPos.BEGINNING);
        assertThat(texts(receive(realTime, 60))).containsExactlyInAnyOrderElementsOf(payloads("m", 0, 60));
    }

    @Test
    void producersWriteEveryShardToTheMasterOwningItsSlotWithoutRedirections() {
        StreamKey key = newKey("routed");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer, 9);
        long movedBefore = redirections("MOVED");
        long askBefore = redirections("ASK");
        List<Receipt> receipts = send(producer, key, 0, 900);

        assertThat(redirections("MOVED") - movedBefore).as("MOVED replies").isZero();
        assertThat(redirections("ASK") - askBefore).as("ASK replies").isZero();
        Set<Integer> masters = new HashSet<>();
        for (int s = 0; s < 9; s++) {
            String shardKey = key.name() + ":" + s;
            RedisServer owner = cluster.nodeForSlot(RedisCluster.slot(shardKey));
            masters.add(owner.port());
            assertThat(owner.call("XLEN", shardKey)).as(shardKey + " on its master").isEqualTo(100L);
            List<?> entries = (List<?>) owner.call("XRANGE", shardKey, "-", "+");
            ShardId shard = ShardId.of(s);
            List<String> ids = receipts.stream().filter(r -> r.shard().equals(shard)).map(r -> EntryId.of(r.seq()).toString()).toList();
            assertThat(entries).extracting(e -> (String) ((List<?>) e).get(0)).containsExactlyElementsOf(ids);
        }
        assertThat(masters).as("masters serving the nine shards").hasSizeGreaterThan(1);
    }

    /** Error replies of a kind (MOVED, ASK) sent by all masters so far ({@code INFO errorstats}). */
    private static long redirections(String kind) {
        long total = 0;
        for (RedisServer node : cluster.nodes()) {
            String info = String.valueOf(node.call("INFO", "errorstats"));
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("errorstat_" + kind + ":count=")) {
                    total += Long.parseLong(line.substring(line.indexOf('=') + 1).split(",")[0].strip());
                }
            }
        }
        return total;
    }

    @Test
    void oneSeedNodeIsEnoughToFindTheCluster() {
        RedisServer seed = cluster.nodes().get(0);
        StreamKey key = newKey("seed");
        try (Streamer streamer = Streamer.connect("redis://127.0.0.1:" + seed.port() + "/")) {
            RedisConsumer consumer = (RedisConsumer) streamer.consumer(List.of(key),
                    quick(ConsumerOptions.realTime().reset(StreamReset.EARLIEST)));
            RedisProducer producer = (RedisProducer) streamer.producer(ProducerOptions.defaults()
                    .with(RedisOptions.SHARDER, Sharder.roundRobin(8)));
            send(producer, key, 0, 40);
            assertThat(texts(receive(consumer, 40))).containsExactlyInAnyOrderElementsOf(payloads("m", 0, 40));
        }
    }

    /**
     * A slot moves while producers and consumers run: before the move (the source serves the key
     * while migrating), while its keys move (ASK to the importing node) and after (MOVED). Nothing is
     * lost, each shard stays in order, and the group members share the messages without duplicates.
     */
    @Test
    void survivesASlotMigrationDuringTheRun() {
        StreamKey key = newKey("migrate");
        Streamer streamer = connect();
        RedisConsumer realTime = consumer(streamer, ConsumerOptions.realTime().with(RedisOptions.BLOCK, Duration.ofMillis(500)), key);
        RedisConsumer resumable = consumer(streamer, ConsumerOptions.resumable().group("migrate-r").reset(StreamReset.EARLIEST)
                .with(RedisOptions.BLOCK, Duration.ofMillis(500)), key);
        ConsumerOptions lb = ConsumerOptions.loadBalanced("migrate-lb").with(RedisOptions.BLOCK, Duration.ofMillis(500));
        RedisConsumer a = consumer(streamer, lb, key);
        RedisConsumer b = consumer(streamer, lb, key);
        RedisProducer producer = producer(streamer, 3);

        List<Message> rt = new ArrayList<>();
        List<Message> res = new ArrayList<>();
        List<Message> shared = new ArrayList<>();
        send(producer, key, 0, 150);
        rt.addAll(receive(realTime, 150));
        res.addAll(receive(resumable, 150));
        shared.addAll(readTogether(List.of(a, b), 150));

        String moving = key.name() + ":1";
        int slot = RedisCluster.slot(moving);
        RedisServer target = cluster.nodeNotServing(slot);
        RedisCluster.Migration migration = cluster.beginMigration(slot, target);
        send(producer, key, 150, 300);
        migration.moveKeys();
        send(producer, key, 300, 450);
        rt.addAll(receive(realTime, 300));
        res.addAll(receive(resumable, 300));
        shared.addAll(readTogether(List.of(a, b), 300));
        migration.finish();
        send(producer, key, 450, 600);
        rt.addAll(receive(realTime, 150));
        res.addAll(receive(resumable, 150));
        shared.addAll(readTogether(List.of(a, b), 150));

        assertThat(cluster.nodeForSlot(slot)).isSameAs(target);
        assertThat(target.call("XLEN", moving)).isEqualTo(200L);
        assertThat(texts(rt)).containsExactlyInAnyOrderElementsOf(payloads("m", 0, 600));
        assertOrderedPerShard(rt);
        assertThat(texts(res)).containsExactlyInAnyOrderElementsOf(payloads("m", 0, 600));
        assertOrderedPerShard(res);
        assertThat(texts(shared)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(payloads("m", 0, 600));
        // the last commits go to the shard's new master
        resumable.commit(res.get(res.size() - 1));
        a.commitAcks();
    }

    /** Polls the consumers in turn until {@code total} messages were read in all. */
    private static List<Message> readTogether(List<? extends Consumer> consumers, int total) {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + RedisTestSupport.PATIENCE.toNanos();
        while (out.size() < total) {
            assertThat(System.nanoTime()).as("the group read only " + out.size() + " of " + total).isLessThan(deadline);
            for (Consumer c : consumers) {
                c.poll(Duration.ofMillis(10)).ifPresent(out::add);
            }
        }
        return out;
    }
}
