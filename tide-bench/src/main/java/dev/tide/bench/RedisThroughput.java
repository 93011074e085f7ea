package dev.tide.bench;

import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import dev.tide.redis.AutoCommit;
import dev.tide.redis.RedisConsumer;
import dev.tide.redis.RedisOptions;
import dev.tide.tck.RedisServer;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the {@code redis://} backend (issue 6) against one {@code redis-server} (started on a
 * free loopback port, without persistence), next to raw Lettuce and {@code redis-benchmark} in the same run.
 *
 * <p>Workload: SeaStreamer's, 100,000 messages of 256 B. Producers, alternating in each round, each
 * writing to its own stream, deleted before the run:
 * <ul>
 *   <li><b>tide producer</b>: {@code send(payload)} for every message, then {@code flush()} (every XADD
 *       answered); default options (batches of up to 1000 pipelined XADDs, 10,000 in flight);</li>
 *   <li><b>raw Lettuce</b>: one connection with {@code setAutoFlushCommands(false)}, {@code XADD key * msg
 *       payload} asynchronously, {@code flushCommands()} every 1000 commands, then every future awaited;</li>
 *   <li><b>redis-benchmark -P 64</b> (the real binary, its own reported rate): {@code redis-benchmark -p P
 *       -P 64 -n 100000 --csv XADD benchkey * msg <256 B>}, with its default 50 connections, and again
 *       with {@code -c 1} (one connection, like the two Java contestants).</li>
 * </ul>
 * Consumers, each reading the same pre-filled stream of 100,000 entries:
 * <ul>
 *   <li><b>tide group read + ack</b>: a RESUMABLE consumer under a fresh group from EARLIEST with
 *       {@code redis.auto-commit=rolling}; {@code next()} then {@code ack(m)} for every message, then
 *       {@code commitAcks()}; timed from creating the consumer to the acks being stored; afterwards the
 *       group's pending list is checked to be empty. With the default page ({@code COUNT 1000} for
 *       RESUMABLE) and with {@code redis.batch-size=100} (SeaStreamer's page);</li>
 *   <li><b>raw Lettuce group read + ack</b>: XREADGROUP COUNT 1000 then XACK of the page's ids (not awaited
 *       before the next read; all awaited at the end);</li>
 *   <li><b>tide realtime</b> (SeaStreamer's consumer): REAL_TIME from EARLIEST, {@code next()} each;</li>
 *   <li><b>raw Lettuce XREAD COUNT 1000</b>.</li>
 * </ul>
 *
 * <p>Run: {@code java -cp tide-bench/target/benchmarks.jar dev.tide.bench.RedisThroughput
 * [--messages 100000] [--size 256] [--rounds 5] [--warmup 2] [--only all|produce|consume]}. Needs {@code redis-server} and
 * {@code redis-benchmark} on the PATH.
 */
public final class RedisThroughput {

    private static final String TIDE_P = "tide producer";
    private static final String LETTUCE_P = "raw Lettuce async, manual flush";
    private static final String RB_P = "redis-benchmark -P 64";
    private static final String RB1_P = "redis-benchmark -P 64 -c 1";
    private static final String TIDE_G = "tide group read + ack";
    private static final String TIDE_G100 = "tide group read + ack, batch-size 100";
    private static final String LETTUCE_G = "raw Lettuce XREADGROUP + XACK";
    private static final String TIDE_RT = "tide realtime";
    private static final String LETTUCE_RT = "raw Lettuce XREAD";

    private static final int LETTUCE_BATCH = 1000;

    private RedisThroughput() {
    }

    /**
     * Starts a server, runs the producers and the consumers, prints the tables.
     *
     * @param args {@code --name value} options, see the class comment
     */
    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        int messages = a.integer("messages", 100_000);
        int size = a.integer("size", 256);
        int rounds = a.integer("rounds", 5);
        int warmup = a.integer("warmup", 2);
        String only = a.string("only", "all");
        if (!List.of("all", "produce", "consume").contains(only)) {
            throw new IllegalArgumentException("--only must be all, produce or consume: " + only);
        }
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }

        System.out.println("# Redis backend throughput\n");
        System.out.print(Machine.describe());
        System.out.println("- " + Machine.commandOutput(List.of("redis-server", "--version")));
        System.out.println("- " + Machine.commandOutput(List.of("redis-benchmark", "--version")));
        try (RedisServer server = RedisServer.start()) {
            System.out.println("- server: " + server.uri() + " (no persistence)\n");
            RedisClient client = RedisClient.create(RedisURI.create(server.host(), server.port()));
            try (Streamer streamer = Streamer.connect(server.uri() + "/consume");
                 StatefulRedisConnection<byte[], byte[]> admin = client.connect(ByteArrayCodec.INSTANCE)) {
                Results produce = new Results("Produce", messages, size)
                        .contestant(TIDE_P, "send() each, then flush(); default options")
                        .contestant(LETTUCE_P, "flushCommands() every 1000, all futures awaited")
                        .contestant(RB_P, "its own rate; 50 connections (default -c)")
                        .contestant(RB1_P, "its own rate; 1 connection");
                Results consume = new Results("Consume", messages, size)
                        .contestant(TIDE_G, "RESUMABLE, auto-commit rolling, ack(m) each, commitAcks(); default page (COUNT 1000)")
                        .contestant(TIDE_G100, "as above with redis.batch-size=100 (SeaStreamer's page, the old default)")
                        .contestant(LETTUCE_G, "COUNT 1000, XACK per page")
                        .contestant(TIDE_RT, "REAL_TIME from EARLIEST (SeaStreamer's consumer); COUNT 100")
                        .contestant(LETTUCE_RT, "COUNT 1000");

                List<Rounds.Contestant> producers = List.of(
                        new Rounds.Contestant(TIDE_P, record -> {
                            del(admin, "tide-p");
                            long t = tideProduce(streamer, "tide-p", messages, payload);
                            checkLength(admin, "tide-p", messages);
                            if (record) {
                                produce.addRun(TIDE_P, t);
                            }
                        }),
                        new Rounds.Contestant(LETTUCE_P, record -> {
                            del(admin, "lettuce-p");
                            long t = lettuceProduce(client, "lettuce-p", messages, payload);
                            checkLength(admin, "lettuce-p", messages);
                            if (record) {
                                produce.addRun(LETTUCE_P, t);
                            }
                        }),
                        new Rounds.Contestant(RB_P, record -> {
                            del(admin, "benchkey");
                            double rate = redisBenchmark(server.port(), messages, size, 50);
                            if (record) {
                                produce.addRate(RB_P, rate);
                            }
                        }),
                        new Rounds.Contestant(RB1_P, record -> {
                            del(admin, "benchkey");
                            double rate = redisBenchmark(server.port(), messages, size, 1);
                            if (record) {
                                produce.addRate(RB1_P, rate);
                            }
                        }));
                if (!only.equals("consume")) {
                    Rounds.run("produce", warmup, rounds, producers);
                }
                for (String k : List.of("tide-p", "lettuce-p", "benchkey")) {
                    del(admin, k);
                }

                String key = "consume";
                lettuceProduce(client, key, messages, payload);
                checkLength(admin, key, messages);
                int[] group = {0};
                List<Rounds.Contestant> consumers = List.of(
                        new Rounds.Contestant(TIDE_G, record -> {
                            String g = "tide-" + group[0]++;
                            long t = tideGroup(streamer, key, g, messages, 0);
                            checkNothingPending(admin, key, g);
                            if (record) {
                                consume.addRun(TIDE_G, t);
                            }
                        }),
                        new Rounds.Contestant(TIDE_G100, record -> {
                            String g = "tide-" + group[0]++;
                            long t = tideGroup(streamer, key, g, messages, 100);
                            checkNothingPending(admin, key, g);
                            if (record) {
                                consume.addRun(TIDE_G100, t);
                            }
                        }),
                        new Rounds.Contestant(LETTUCE_G, record -> {
                            String g = "lettuce-" + group[0]++;
                            long t = lettuceGroup(client, key, g, messages);
                            checkNothingPending(admin, key, g);
                            if (record) {
                                consume.addRun(LETTUCE_G, t);
                            }
                        }),
                        new Rounds.Contestant(TIDE_RT, record -> {
                            long t = tideRealtime(streamer, key, messages);
                            if (record) {
                                consume.addRun(TIDE_RT, t);
                            }
                        }),
                        new Rounds.Contestant(LETTUCE_RT, record -> {
                            long t = lettuceRealtime(client, key, messages);
                            if (record) {
                                consume.addRun(LETTUCE_RT, t);
                            }
                        }));
                if (!only.equals("produce")) {
                    Rounds.run("consume", warmup, rounds, consumers);
                }

                System.out.println();
                if (!only.equals("consume")) {
                    System.out.println(produce.table());
                }
                if (!only.equals("produce")) {
                    System.out.println(consume.table());
                }
                System.out.println("Targets:");
                if (!only.equals("consume")) {
                    System.out.print(produce.ratio(TIDE_P, LETTUCE_P, 1.0));
                    System.out.print(produce.ratio(TIDE_P, RB_P, 0.6));
                    System.out.print(produce.ratio(TIDE_P, RB1_P, 0.6));
                }
                if (!only.equals("produce")) {
                    System.out.print(consume.atLeast(TIDE_G, 100_000));
                }
            } finally {
                client.shutdown();
            }
        }
    }

    // ------------------------------------------------------------------ producers

    static long tideProduce(Streamer streamer, String key, int messages, byte[] payload) {
        Producer producer = streamer.producer(StreamKey.of(key), dev.tide.ProducerOptions.defaults());
        long t0 = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            producer.send(payload);
        }
        producer.flush();
        long t = System.nanoTime() - t0;
        producer.close();
        return t;
    }

    static long lettuceProduce(RedisClient client, String key, int messages, byte[] payload) {
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisAsyncCommands<byte[], byte[]> async = c.async();
            byte[] k = bytes(key);
            byte[] field = bytes("msg");
            List<RedisFuture<String>> futures = new ArrayList<>(messages);
            long t0 = System.nanoTime();
            c.setAutoFlushCommands(false);
            for (int i = 0; i < messages; i++) {
                futures.add(async.xadd(k, Map.of(field, payload)));
                if ((i + 1) % LETTUCE_BATCH == 0) {
                    c.flushCommands();
                }
            }
            c.flushCommands();
            if (!LettuceFutures.awaitAll(Duration.ofMinutes(1), futures.toArray(new RedisFuture<?>[0]))) {
                throw new IllegalStateException("XADDs not answered within a minute");
            }
            long t = System.nanoTime() - t0;
            c.setAutoFlushCommands(true);
            return t;
        }
    }

    /** Runs redis-benchmark and returns the requests per second it reports. */
    static double redisBenchmark(int port, int messages, int size, int clients) throws IOException, InterruptedException {
        List<String> cmd = List.of("redis-benchmark", "-h", RedisServer.HOST, "-p", Integer.toString(port), "-P", "64",
                "-c", Integer.toString(clients), "-n", Integer.toString(messages), "--csv",
                "XADD", "benchkey", "*", "msg", "x".repeat(size));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("redis-benchmark failed: " + out);
        }
        for (String line : out.split("\n")) {
            if (line.startsWith("\"XADD")) {
                String[] fields = line.split("\",\"");
                return Double.parseDouble(fields[1]);
            }
        }
        throw new IllegalStateException("no XADD line in redis-benchmark's output: " + out);
    }

    // ------------------------------------------------------------------ consumers

    static long tideGroup(Streamer streamer, String key, String group, int messages, int batchSize) {
        ConsumerOptions options = ConsumerOptions.resumable().group(group).reset(StreamReset.EARLIEST)
                .with(RedisOptions.AUTO_COMMIT, AutoCommit.ROLLING);
        if (batchSize > 0) {
            options = options.with(RedisOptions.BATCH_SIZE, batchSize);
        }
        long t0 = System.nanoTime();
        RedisConsumer consumer = (RedisConsumer) streamer.consumer(List.of(StreamKey.of(key)), options);
        long bytes = 0;
        for (int i = 0; i < messages; i++) {
            Message m = consumer.next();
            bytes += m.size();
            consumer.ack(m);
        }
        consumer.commitAcks();
        long t = System.nanoTime() - t0;
        consumer.close();
        check(bytes, messages);
        return t;
    }

    static long tideRealtime(Streamer streamer, String key, int messages) {
        long t0 = System.nanoTime();
        var consumer = streamer.consumer(List.of(StreamKey.of(key)), ConsumerOptions.realTime().reset(StreamReset.EARLIEST));
        long bytes = 0;
        for (int i = 0; i < messages; i++) {
            bytes += consumer.next().size();
        }
        long t = System.nanoTime() - t0;
        consumer.close();
        check(bytes, messages);
        return t;
    }

    static long lettuceGroup(RedisClient client, String key, String group, int messages) throws Exception {
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisAsyncCommands<byte[], byte[]> async = c.async();
            byte[] k = bytes(key);
            byte[] g = bytes(group);
            long t0 = System.nanoTime();
            async.xgroupCreate(XReadArgs.StreamOffset.from(k, "0"), g).get();
            io.lettuce.core.Consumer<byte[]> me = io.lettuce.core.Consumer.from(g, bytes("c1"));
            XReadArgs page = XReadArgs.Builder.count(LETTUCE_BATCH);
            List<RedisFuture<Long>> acks = new ArrayList<>();
            long bytes = 0;
            int read = 0;
            while (read < messages) {
                List<StreamMessage<byte[], byte[]>> entries = async.xreadgroup(me, page,
                        XReadArgs.StreamOffset.lastConsumed(k)).get();
                String[] ids = new String[entries.size()];
                for (int i = 0; i < ids.length; i++) {
                    StreamMessage<byte[], byte[]> e = entries.get(i);
                    ids[i] = e.getId();
                    bytes += e.getBody().values().iterator().next().length;
                }
                read += ids.length;
                acks.add(async.xack(k, g, ids));
            }
            for (RedisFuture<Long> f : acks) {
                f.get();
            }
            long t = System.nanoTime() - t0;
            check(bytes, messages);
            return t;
        }
    }

    static long lettuceRealtime(RedisClient client, String key, int messages) throws Exception {
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisAsyncCommands<byte[], byte[]> async = c.async();
            byte[] k = bytes(key);
            long t0 = System.nanoTime();
            XReadArgs page = XReadArgs.Builder.count(LETTUCE_BATCH);
            String last = "0";
            long bytes = 0;
            int read = 0;
            while (read < messages) {
                List<StreamMessage<byte[], byte[]>> entries = async.xread(page, XReadArgs.StreamOffset.from(k, last)).get();
                for (StreamMessage<byte[], byte[]> e : entries) {
                    bytes += e.getBody().values().iterator().next().length;
                    last = e.getId();
                }
                read += entries.size();
            }
            long t = System.nanoTime() - t0;
            check(bytes, messages);
            return t;
        }
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void del(StatefulRedisConnection<byte[], byte[]> admin, String key) {
        admin.sync().del(bytes(key));
    }

    private static void checkLength(StatefulRedisConnection<byte[], byte[]> admin, String key, int messages) {
        long n = admin.sync().xlen(bytes(key));
        if (n != messages) {
            throw new IllegalStateException(key + " has " + n + " entries, expected " + messages);
        }
    }

    private static void checkNothingPending(StatefulRedisConnection<byte[], byte[]> admin, String key, String group) {
        long pending = admin.sync().xpending(bytes(key), bytes(group)).getCount();
        if (pending != 0) {
            throw new IllegalStateException("group " + group + " still has " + pending + " pending entries");
        }
        admin.sync().xgroupDestroy(bytes(key), bytes(group));
    }

    private static void check(long bytes, int messages) {
        if (bytes % messages != 0 || bytes == 0) {
            throw new IllegalStateException(String.format(Locale.ROOT, "read %d payload bytes for %d messages", bytes, messages));
        }
    }
}
