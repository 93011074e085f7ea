package dev.tide.bench;

import dev.tide.Consumer;
import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Throughput of the {@code kafka://} backend (issue 7), next to Kafka's own
 * {@code org.apache.kafka.tools.ProducerPerformance} and {@code ConsumerPerformance} (kafka-tools, the
 * same version as the client) against the same single-node broker, which runs in its own JVM
 * ({@link KafkaBench}). Every topic has one partition.
 *
 * <p>Producers, alternating in each round, each into a fresh topic: 1,000,000 records of 100 B, the
 * payload refilled with random capital letters before every send as ProducerPerformance does, with the
 * same producer settings on both sides: {@code --producer-props} (default {@code batch.size=262144
 * linger.ms=20}) on top of the client defaults of 4.x ({@code acks=all}, idempotence on, no
 * compression). Timed from the first send to the end of {@code close()} (which flushes), as
 * ProducerPerformance times itself; its own reported rate is used. ProducerPerformance runs twice per
 * round: inside this JVM (called through its {@code main}, so it is as warm as Tide) and in a JVM of
 * its own (as {@code bin/kafka-producer-perf-test.sh} runs it, cold).
 *
 * <p>Consumers, each reading the same topic of 1,000,000 records from the beginning under a fresh group,
 * with ConsumerPerformance's settings on both sides ({@code check.crcs=false},
 * {@code receive.buffer.bytes=2097152}, {@code max.partition.fetch.bytes=1048576},
 * {@code auto.offset.reset=earliest}). Tide, {@code next()} for every record, timed from creating the
 * consumer (building its kafka-clients consumer included) to the last record: a LOAD_BALANCED consumer
 * (group subscription and join, as ConsumerPerformance: the like-for-like row), a RESUMABLE consumer
 * (partition assignment under a group: reads the group's commits and anchors its start, no join) and a
 * REAL_TIME consumer (partition assignment, no group). ConsumerPerformance's {@code nMsg.sec} (from
 * subscribing, group join included; building its consumer happens before its clock starts) and
 * {@code fetch.nMsg.sec} (join time excluded) are reported as it prints them.
 *
 * <p>Run: {@code java -cp tide-bench/target/benchmarks.jar dev.tide.bench.KafkaThroughput
 * [--records 1000000] [--size 100] [--rounds 3] [--warmup 1] [--producer-props "batch.size=262144 linger.ms=20"]
 * [--broker-heap 1g]}.
 */
public final class KafkaThroughput {

    private static final String TIDE_P = "tide producer";
    private static final String PP_IN = "ProducerPerformance (this JVM)";
    private static final String PP_OWN = "ProducerPerformance (own JVM)";
    private static final String TIDE_LB = "tide consumer, LOAD_BALANCED (group subscribe)";
    private static final String TIDE_C = "tide consumer, RESUMABLE (group)";
    private static final String TIDE_RT = "tide consumer, REAL_TIME (assign)";
    private static final String CP_IN = "ConsumerPerformance (this JVM)";
    private static final String CP_IN_FETCH = "ConsumerPerformance (this JVM), fetch only";
    private static final String CP_OWN = "ConsumerPerformance (own JVM)";

    private static final Pattern PP_TOTAL = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");

    private static final Map<String, String> CP_SETTINGS = Map.of("check.crcs", "false",
            "receive.buffer.bytes", "2097152", "max.partition.fetch.bytes", "1048576");

    private KafkaThroughput() {
    }

    /**
     * Starts a broker, runs the producers and the consumers, prints the tables.
     *
     * @param args {@code --name value} options, see the class comment
     */
    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        int records = a.integer("records", 1_000_000);
        int size = a.integer("size", 100);
        int rounds = a.integer("rounds", 3);
        int warmup = a.integer("warmup", 1);
        Map<String, String> producerProps = new LinkedHashMap<>();
        for (String kv : a.string("producer-props", "batch.size=262144 linger.ms=20").trim().split("\\s+")) {
            if (!kv.isEmpty()) {
                String[] parts = kv.split("=", 2);
                producerProps.put(parts[0], parts[1]);
            }
        }

        System.out.println("# Kafka backend throughput\n");
        System.out.print(Machine.describe());
        System.out.println("- Kafka client, broker and tools: " + AppInfoParser.getVersion());
        System.out.println("- producer settings, both sides: " + producerProps + " (client defaults otherwise)");
        System.out.println("- consumer settings, both sides: " + CP_SETTINGS + ", auto.offset.reset=earliest");
        try (KafkaBench broker = KafkaBench.start(a.string("broker-heap", "1g"));
             Admin admin = broker.admin()) {
            System.out.println("- broker: " + broker.bootstrap() + " (own JVM, log " + broker.log() + ")\n");
            String bootstrap = broker.bootstrap();
            Results produce = new Results("Produce", records, size)
                    .contestant(TIDE_P, "send() each, close()")
                    .contestant(PP_IN, "its own rate")
                    .contestant(PP_OWN, "its own rate, cold JVM");
            Results consume = new Results("Consume", records, size)
                    .contestant(TIDE_LB, "from creating the consumer; group join included")
                    .contestant(TIDE_C, "from creating the consumer; commits read, start anchored")
                    .contestant(TIDE_RT, "from creating the consumer")
                    .contestant(CP_IN, "its nMsg.sec; group join included")
                    .contestant(CP_IN_FETCH, "its fetch.nMsg.sec; group join excluded")
                    .contestant(CP_OWN, "its nMsg.sec, cold JVM");
            try (Streamer streamer = Streamer.connect("kafka://" + bootstrap + "/tide-bench")) {
                int[] topic = {0};
                List<Rounds.Contestant> producers = List.of(
                        new Rounds.Contestant(TIDE_P, record -> {
                            String t = createTopic(admin, "tide-p-" + topic[0]++);
                            long nanos = tideProduce(streamer, t, records, size, producerProps);
                            deleteTopic(admin, t);
                            if (record) {
                                produce.addRun(TIDE_P, nanos);
                            }
                        }),
                        new Rounds.Contestant(PP_IN, record -> {
                            String t = createTopic(admin, "pp-in-" + topic[0]++);
                            double rate = producerPerformance(bootstrap, t, records, size, producerProps, false);
                            deleteTopic(admin, t);
                            if (record) {
                                produce.addRate(PP_IN, rate);
                            }
                        }),
                        new Rounds.Contestant(PP_OWN, record -> {
                            String t = createTopic(admin, "pp-own-" + topic[0]++);
                            double rate = producerPerformance(bootstrap, t, records, size, producerProps, true);
                            deleteTopic(admin, t);
                            if (record) {
                                produce.addRate(PP_OWN, rate);
                            }
                        }));
                Rounds.run("produce", warmup, rounds, producers);

                String source = createTopic(admin, "consume-source");
                tideProduce(streamer, source, records, size, producerProps);
                int[] group = {0};
                List<Rounds.Contestant> consumers = List.of(
                        new Rounds.Contestant(TIDE_LB, record -> {
                            long nanos = tideConsume(streamer, source, records, ConsumerMode.LOAD_BALANCED, "tide-lb-" + group[0]++);
                            if (record) {
                                consume.addRun(TIDE_LB, nanos);
                            }
                        }),
                        new Rounds.Contestant(TIDE_C, record -> {
                            long nanos = tideConsume(streamer, source, records, ConsumerMode.RESUMABLE, "tide-" + group[0]++);
                            if (record) {
                                consume.addRun(TIDE_C, nanos);
                            }
                        }),
                        new Rounds.Contestant(TIDE_RT, record -> {
                            long nanos = tideConsume(streamer, source, records, ConsumerMode.REAL_TIME, null);
                            if (record) {
                                consume.addRun(TIDE_RT, nanos);
                            }
                        }),
                        new Rounds.Contestant(CP_IN, record -> {
                            double[] rates = consumerPerformance(bootstrap, source, records, "cp-" + group[0]++, false);
                            if (record) {
                                consume.addRate(CP_IN, rates[0]);
                                consume.addRate(CP_IN_FETCH, rates[1]);
                            }
                        }),
                        new Rounds.Contestant(CP_OWN, record -> {
                            double[] rates = consumerPerformance(bootstrap, source, records, "cp-" + group[0]++, true);
                            if (record) {
                                consume.addRate(CP_OWN, rates[0]);
                            }
                        }));
                Rounds.run("consume", warmup, rounds, consumers);
            }

            System.out.println();
            System.out.println(produce.table());
            System.out.println(consume.table());
            System.out.println("Targets (≥ 90% of Kafka's own tools):");
            System.out.print(produce.ratio(TIDE_P, PP_IN, 0.9));
            System.out.print(produce.ratio(TIDE_P, PP_OWN, 0.9));
            System.out.print(consume.ratio(TIDE_LB, CP_IN, 0.9));
            System.out.print(consume.ratio(TIDE_LB, CP_OWN, 0.9));
            System.out.print(consume.ratio(TIDE_C, CP_IN, 0.9));
            System.out.print(consume.ratio(TIDE_C, CP_OWN, 0.9));
            System.out.print(consume.ratio(TIDE_RT, CP_IN_FETCH, 0.9));
        }
    }

    private static String createTopic(Admin admin, String name) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        return name;
    }

    private static void deleteTopic(Admin admin, String name) throws Exception {
        admin.deleteTopics(List.of(name)).all().get(60, TimeUnit.SECONDS);
    }

    static long tideProduce(Streamer streamer, String topic, int records, int size, Map<String, String> props) {
        ProducerOptions options = ProducerOptions.defaults();
        for (Map.Entry<String, String> e : props.entrySet()) {
            options = options.with("kafka." + e.getKey(), e.getValue());
        }
        Producer producer = streamer.producer(StreamKey.of(topic), options);
        // As ProducerPerformance: one array refilled with random capital letters before each send
        // (the client copies the bytes into its batch inside send).
        SplittableRandom random = new SplittableRandom(0);
        byte[] payload = new byte[size];
        long t0 = System.nanoTime();
        for (int i = 0; i < records; i++) {
            for (int j = 0; j < size; j++) {
                payload[j] = (byte) (random.nextInt(26) + 65);
            }
            producer.send(payload);
        }
        producer.close();
        return System.nanoTime() - t0;
    }

    static long tideConsume(Streamer streamer, String topic, int records, ConsumerMode mode, String group) {
        ConsumerOptions options = switch (mode) {
            case REAL_TIME -> ConsumerOptions.realTime();
            case RESUMABLE -> ConsumerOptions.resumable().group(group);
            case LOAD_BALANCED -> ConsumerOptions.loadBalanced(group);
        };
        options = options.reset(StreamReset.EARLIEST);
        for (Map.Entry<String, String> e : CP_SETTINGS.entrySet()) {
            options = options.with("kafka." + e.getKey(), e.getValue());
        }
        long t0 = System.nanoTime();
        Consumer consumer = streamer.consumer(List.of(StreamKey.of(topic)), options);
        long bytes = 0;
        for (int i = 0; i < records; i++) {
            bytes += consumer.next().size();
        }
        long t = System.nanoTime() - t0;
        consumer.close();
        if (bytes == 0 || bytes % records != 0) {
            throw new IllegalStateException("read " + bytes + " payload bytes in " + records + " records");
        }
        return t;
    }

    /** Runs ProducerPerformance and returns the records/sec of its total line. */
    static double producerPerformance(String bootstrap, String topic, int records, int size, Map<String, String> props,
                                      boolean ownJvm) throws Exception {
        List<String> args = new ArrayList<>(List.of("--topic", topic, "--num-records", Integer.toString(records),
                "--record-size", Integer.toString(size), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + bootstrap));
        props.forEach((k, v) -> args.add(k + "=" + v));
        String out = runTool("org.apache.kafka.tools.ProducerPerformance", args, ownJvm);
        Matcher m = PP_TOTAL.matcher(out);
        double rate = Double.NaN;
        while (m.find()) {
            if (Long.parseLong(m.group(1)) == records) {
                rate = Double.parseDouble(m.group(2));
            }
        }
        if (Double.isNaN(rate)) {
            throw new IllegalStateException("no total line in ProducerPerformance's output:\n" + out);
        }
        return rate;
    }

    /** Runs ConsumerPerformance and returns its nMsg.sec and fetch.nMsg.sec. */
    static double[] consumerPerformance(String bootstrap, String topic, int records, String group, boolean ownJvm)
            throws Exception {
        List<String> args = List.of("--bootstrap-server", bootstrap, "--topic", topic, "--messages",
                Integer.toString(records), "--group", group, "--timeout", "60000");
        String out = runTool("org.apache.kafka.tools.ConsumerPerformance", args, ownJvm);
        for (String line : out.split("\n")) {
            String[] f = line.split(",\\s*");
            if (f.length == 10 && f[4].strip().matches("\\d+")) {
                if (Long.parseLong(f[4].strip()) != records) {
                    throw new IllegalStateException("ConsumerPerformance read " + f[4] + " records:\n" + out);
                }
                return new double[] {Double.parseDouble(f[5]), Double.parseDouble(f[9])};
            }
        }
        throw new IllegalStateException("no result line in ConsumerPerformance's output:\n" + out);
    }

    private static String runTool(String mainClass, List<String> args, boolean ownJvm) throws Exception {
        if (ownJvm) {
            Process p = ChildJvm.start(null, List.of("-Xms512m", "-Xmx512m"), mainClass, args);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(mainClass + " failed:\n" + out);
            }
            return out;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            Class.forName(mainClass).getMethod("main", String[].class).invoke(null, (Object) args.toArray(new String[0]));
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static {
        Locale.setDefault(Locale.ROOT);
    }
}
