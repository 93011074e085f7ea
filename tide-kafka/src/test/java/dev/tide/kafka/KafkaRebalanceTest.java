package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.ProducerOptions;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A LOAD_BALANCED group grows from two members to three while messages flow: partitions move, nothing
 * is lost, and a message is delivered twice only if its first receiver had not committed it when its
 * partition moved (each member commits every message before taking the next, so that is at most the
 * last message it took from the partition).
 */
class KafkaRebalanceTest {

    private static final int PARTITIONS = 6;

    /** A member: a virtual thread that takes messages, records them and commits each one. */
    private static final class Member implements AutoCloseable {
        final String name;
        final KafkaConsumer consumer;
        final List<Message> got = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;
        volatile Throwable failure;

        Member(String name, KafkaConsumer consumer) {
            this.name = name;
            this.consumer = consumer;
            this.thread = Thread.ofVirtual().name("member-" + name).start(this::run);
        }

        private void run() {
            try {
                while (!stop.get()) {
                    consumer.poll(java.time.Duration.ofMillis(50)).ifPresent(m -> {
                        got.add(m);
                        consumer.commit(m);
                    });
                }
            } catch (StreamException e) {
                if (e.kind() != StreamException.Kind.CLOSED) {
                    failure = e;
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
            consumer.close();
        }
    }

    @Test
    void growingFromTwoToThreeMembersLosesNothing() throws Exception {
        try (KafkaStreamer streamer = KafkaTesting.connect()) {
            StreamKey topic = KafkaTesting.topic("rebalance");
            streamer.createTopic(topic, PARTITIONS);
            ConsumerOptions options = KafkaTesting.fastGroups(ConsumerOptions.loadBalanced(KafkaTesting.group("grow"))
                    .reset(StreamReset.EARLIEST));
            KafkaProducer producer = streamer.producer(topic, ProducerOptions.defaults());
            List<Member> members = new ArrayList<>();
            try {
                members.add(new Member("a", streamer.consumer(List.of(topic), options)));
                members.add(new Member("b", streamer.consumer(List.of(topic), options)));
                send(producer, topic, 0, 300);
                Awaitility.await().atMost(KafkaTesting.PATIENCE).until(() -> distinct(members).size() >= 100);

                members.add(new Member("c", streamer.consumer(List.of(topic), options)));
                send(producer, topic, 300, 600);
                Awaitility.await().atMost(KafkaTesting.PATIENCE).until(() -> distinct(members).size() == 600);
                Awaitility.await().atMost(KafkaTesting.PATIENCE).untilAsserted(() -> {
                    Set<ShardId> owned = new HashSet<>();
                    for (Member m : members) {
                        Set<ShardId> mine = m.consumer.assignment().getOrDefault(topic, Set.of());
                        assertThat(mine).as("member %s's partitions", m.name).isNotEmpty();
                        owned.addAll(mine);
                    }
                    assertThat(owned).hasSize(PARTITIONS);
                });
            } finally {
                for (Member m : members) {
                    m.close();
                }
            }
            for (Member m : members) {
                assertThat(m.failure).as("member %s failed", m.name).isNull();
                assertThat(m.got).as("member %s's share", m.name).isNotEmpty();
                assertOrderedPerPartition(m);
            }
            assertThat(distinct(members)).hasSize(600);
            assertDuplicatesWereUncommitted(members);
        }
    }

    private static void send(KafkaProducer producer, StreamKey topic, int from, int to) {
        for (int i = from; i < to; i++) {
            producer.send(topic, ShardId.of(i % PARTITIONS), ("m-" + i).getBytes());
        }
        producer.flush();
    }

    private static Set<String> distinct(List<Member> members) {
        Set<String> all = new HashSet<>();
        for (Member m : members) {
            for (Message x : m.got) {
                all.add(x.asString());
            }
        }
        return all;
    }

    private static void assertOrderedPerPartition(Member member) {
        Map<ShardId, Long> last = new HashMap<>();
        for (Message m : member.got) {
            Long before = last.put(m.shard(), m.seq().value());
            if (before != null) {
                assertThat(m.seq().value()).as("member %s, partition %s", member.name, m.shard()).isGreaterThan(before);
            }
        }
    }

    /** Each message delivered twice was the last one its first receiver took from that partition. */
    private static void assertDuplicatesWereUncommitted(List<Member> members) {
        Map<String, List<Member>> receivers = new HashMap<>();
        for (Member m : members) {
            for (Message x : m.got) {
                receivers.computeIfAbsent(x.asString(), k -> new ArrayList<>()).add(m);
            }
        }
        int duplicates = 0;
        for (var entry : receivers.entrySet()) {
            if (entry.getValue().size() < 2) {
                continue;
            }
            duplicates++;
            assertThat(entry.getValue()).as("receivers of %s", entry.getKey()).hasSize(2);
            Member first = entry.getValue().get(0);
            Message firstCopy = first.got.stream().filter(x -> x.asString().equals(entry.getKey())).findFirst().orElseThrow();
            long lastOnPartition = first.got.stream().filter(x -> x.shard().equals(firstCopy.shard()))
                    .mapToLong(x -> x.seq().value()).max().orElseThrow();
            // If the same member got it twice (the partition came back), its first copy is not the last.
            if (entry.getValue().get(1) != first) {
                assertThat(firstCopy.seq().value()).as("%s was re-delivered although %s had taken later messages of %s",
                        entry.getKey(), first.name, firstCopy.shard()).isEqualTo(lastOnPartition);
            }
        }
        assertThat(duplicates).as("re-deliveries").isLessThanOrEqualTo(PARTITIONS);
    }
}
