package dev.tide.mem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Many producers and consumers on many threads at once. Producers send {@code p<i>-<n>} round-robin
 * over four shards. Two REAL_TIME readers must each see every message exactly once, in order per shard.
 * A LOAD_BALANCED group is served by workers whose members come and go: each member receives batches,
 * commits some and, now and then, closes with messages still uncommitted (one scripted member always
 * does), which the group must hand to the other (or the next) members. A message counts as processed when the member that holds it commits
 * it (or a later message of its shard); every message must be processed exactly once, and each
 * member's first deliveries of messages must follow shard order. The outcome does not depend on
 * scheduling; random choices come from fixed seeds.
 */
class MemStressTest {

    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 5_000;
    private static final int SHARDS = 4;
    private static final int TOTAL = PRODUCERS * PER_PRODUCER;
    private static final int WORKERS = 3;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final StreamKey key = StreamKey.of("stress");

    /** One delivery of a message to a member. */
    record Delivery(int session, Message message, boolean redelivered) {
    }

    @Test
    void everyMessageOnceForTheGroupAndForEachRealTimeReader() throws Exception {
        try (Streamer streamer = Streamer.connect("mem://stress-" + System.nanoTime() + "/");
             ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("stress-", 0).factory())) {
            ConsumerOptions group = ConsumerOptions.loadBalanced("workers");
            // Create the group before anything is sent, so its LATEST start misses nothing.
            streamer.consumer(List.of(key), group).close();
            Consumer reader1 = streamer.consumer(List.of(key), ConsumerOptions.realTime());
            Consumer reader2 = streamer.consumer(List.of(key), ConsumerOptions.realTime());
            long deadline = System.nanoTime() + DEADLINE.toNanos();

            Map<String, Integer> processed = new ConcurrentHashMap<>();
            AtomicInteger processedCount = new AtomicInteger();
            Set<String> everDelivered = ConcurrentHashMap.newKeySet();
            Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
            AtomicInteger sessions = new AtomicInteger();
            AtomicInteger handedBack = new AtomicInteger();

            List<Future<?>> tasks = new ArrayList<>();
            tasks.add(threads.submit(() -> readAll(reader1, deadline)));
            tasks.add(threads.submit(() -> readAll(reader2, deadline)));
            for (int p = 0; p < PRODUCERS; p++) {
                int id = p;
                tasks.add(threads.submit(() -> {
                    produce(streamer, id);
                    return null;
                }));
            }
            // A member that takes 8 messages, commits the first 4 and leaves: its other 4 go back.
            try (Consumer member = streamer.consumer(List.of(key), group)) {
                int session = sessions.incrementAndGet();
                List<Message> held = new ArrayList<>();
                while (held.size() < 8) {
                    member.poll(Duration.ofNanos(deadline - System.nanoTime())).ifPresent(held::add);
                }
                List<Message> batch = List.copyOf(held);
                for (Message m : batch) {
                    deliveries.add(new Delivery(session, m, !everDelivered.add(m.asString())));
                }
                for (Message m : batch.subList(0, 4)) {
                    commit(member, held, m, processed, processedCount);
                }
                handedBack.addAndGet(held.size());
            }
            for (int w = 0; w < WORKERS; w++) {
                long seed = 1000 + w;
                tasks.add(threads.submit(() -> {
                    work(streamer, group, new Random(seed), deadline, processed, processedCount, everDelivered,
                            deliveries, sessions, handedBack);
                    return null;
                }));
            }

            @SuppressWarnings("unchecked")
            List<Message> seen1 = (List<Message>) tasks.get(0).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            @SuppressWarnings("unchecked")
            List<Message> seen2 = (List<Message>) tasks.get(1).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            for (Future<?> f : tasks) {
                f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }

            for (List<Message> seen : List.of(seen1, seen2)) {
                assertExactlyOnceInShardOrder(seen);
            }

            assertThat(processedCount.get()).isEqualTo(TOTAL);
            assertThat(processed).hasSize(TOTAL).allSatisfy((payload, times) -> assertThat(times).as(payload).isOne());
            assertThat(handedBack.get()).as("messages left uncommitted by closing members").isPositive();
            assertThat(deliveries.stream().filter(Delivery::redelivered).count())
                    .as("redeliveries").isEqualTo(handedBack.get());
            assertThat(sessions.get()).as("member sessions").isGreaterThan(WORKERS);
            assertFreshDeliveriesInShardOrder(deliveries);
        }
    }

    private void produce(Streamer streamer, int id) {
        try (Producer producer = streamer.producer(key, dev.tide.ProducerOptions.defaults())) {
            for (int n = 0; n < PER_PRODUCER; n++) {
                producer.send(key, ShardId.of(n % SHARDS), ("p" + id + "-" + n).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static List<Message> readAll(Consumer reader, long deadline) {
        List<Message> seen = new ArrayList<>(TOTAL);
        while (seen.size() < TOTAL) {
            long left = deadline - System.nanoTime();
            assertThat(left).as("time left for the real-time reader, %d of %d read", seen.size(), TOTAL).isPositive();
            reader.poll(Duration.ofNanos(left)).ifPresent(seen::add);
        }
        reader.close();
        return seen;
    }

    /** One worker: a sequence of member sessions; about one in three ends by closing with part of its last batch uncommitted. */
    private void work(Streamer streamer, ConsumerOptions group, Random random, long deadline,
                      Map<String, Integer> processed, AtomicInteger processedCount, Set<String> everDelivered,
                      Queue<Delivery> deliveries, AtomicInteger sessions, AtomicInteger handedBack) {
        while (processedCount.get() < TOTAL) {
            assertThat(deadline - System.nanoTime())
                    .as("time left for the group, %d of %d processed", processedCount.get(), TOTAL).isPositive();
            int session = sessions.incrementAndGet();
            boolean crash = random.nextInt(3) == 0;
            int batches = 1 + random.nextInt(4);
            try (Consumer member = streamer.consumer(List.of(key), group)) {
                for (int b = 0; b < batches && processedCount.get() < TOTAL; b++) {
                    int size = 1 + random.nextInt(50);
                    List<Message> held = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        Optional<Message> m = member.poll(Duration.ofMillis(5));
                        if (m.isEmpty()) {
                            break;
                        }
                        held.add(m.get());
                    }
                    List<Message> batch = List.copyOf(held);
                    for (Message m : batch) {
                        deliveries.add(new Delivery(session, m, !everDelivered.add(m.asString())));
                    }
                    boolean leaveSome = crash && b == batches - 1;
                    for (Message m : batch.subList(0, leaveSome ? batch.size() / 2 : batch.size())) {
                        commit(member, held, m, processed, processedCount);
                    }
                    if (leaveSome) {
                        handedBack.addAndGet(held.size());
                    }
                }
            }
        }
    }

    /** Commits {@code m}: it and every message held on its shard with a smaller sequence number is processed. */
    private static void commit(Consumer member, List<Message> held, Message m,
                               Map<String, Integer> processed, AtomicInteger processedCount) {
        member.commit(m);
        for (var it = held.iterator(); it.hasNext(); ) {
            Message h = it.next();
            if (h.shard().equals(m.shard()) && h.seq().compareTo(m.seq()) <= 0) {
                processed.merge(h.asString(), 1, Integer::sum);
                processedCount.incrementAndGet();
                it.remove();
            }
        }
    }

    private static void assertExactlyOnceInShardOrder(List<Message> seen) {
        assertThat(seen).hasSize(TOTAL);
        assertThat(seen.stream().map(Message::asString).distinct().count()).isEqualTo(TOTAL);
        Map<ShardId, Long> nextSeq = new HashMap<>();
        Map<String, Integer> nextOfProducer = new HashMap<>();
        for (Message m : seen) {
            long expected = nextSeq.getOrDefault(m.shard(), 1L);
            assertThat(m.seq().value()).as("seq on shard %s", m.shard()).isEqualTo(expected);
            nextSeq.put(m.shard(), expected + 1);
            String[] parts = m.asString().split("-");
            String producerShard = parts[0] + "/" + m.shard();
            int n = Integer.parseInt(parts[1]);
            assertThat(n % SHARDS).isEqualTo((int) m.shard().id());
            int before = nextOfProducer.getOrDefault(producerShard, (int) m.shard().id());
            assertThat(n).as("order of %s", producerShard).isEqualTo(before);
            nextOfProducer.put(producerShard, n + SHARDS);
        }
        assertThat(nextSeq.values()).allSatisfy(next -> assertThat(next).isEqualTo(TOTAL / SHARDS + 1L));
    }

    private static void assertFreshDeliveriesInShardOrder(Queue<Delivery> deliveries) {
        Map<String, Long> last = new HashMap<>();
        for (Delivery d : deliveries) {
            if (d.redelivered()) {
                continue;
            }
            String where = d.session() + "/" + d.message().shard();
            Long before = last.put(where, d.message().seq().value());
            if (before != null) {
                assertThat(d.message().seq().value()).as("first deliveries of session/shard %s", where).isGreaterThan(before);
            }
        }
    }
}
