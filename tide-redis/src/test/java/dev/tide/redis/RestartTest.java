package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Receipt;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A redis-server restart in the middle of a run: producers keep their sends (Lettuce holds them while
 * disconnected), readers reconnect, and group consumers lose nothing. Also a restart that loses all
 * data: the groups are created again and new messages flow.
 */
class RestartTest extends RedisTestSupport {

    private ConsumerOptions manual(ConsumerOptions options) {
        return quick(options.reset(StreamReset.EARLIEST).with(RedisOptions.AUTO_COMMIT, AutoCommit.DISABLED)
                .with(RedisOptions.BLOCK, Duration.ofMillis(500)));
    }

    @Test
    void aRestartDuringTheRunLosesNothing() {
        StreamKey key = newKey("restart");
        Streamer streamer = connect();
        RedisConsumer realTime = consumer(streamer, quick(ConsumerOptions.realTime()), key);
        RedisConsumer resumable = consumer(streamer, manual(ConsumerOptions.resumable().group(newGroup("r"))), key);
        String lbGroup = newGroup("lb");
        RedisConsumer a = consumer(streamer, manual(ConsumerOptions.loadBalanced(lbGroup)), key);
        RedisConsumer b = consumer(streamer, manual(ConsumerOptions.loadBalanced(lbGroup)), key);
        RedisProducer producer = producer(streamer);

        List<CompletableFuture<Receipt>> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add(producer.send(key, "m" + i));
        }
        producer.flush();
        List<Message> rt = new ArrayList<>(receive(realTime, 100));
        List<Message> res = new ArrayList<>(receive(resumable, 100));
        List<Message> shared = new ArrayList<>(readTogether(List.of(a, b), 100));
        resumable.commit(res.get(99));
        commitAll(a, b, shared);

        // the server goes down (keeping its data) in the middle of the run: sends made meanwhile wait in
        // the client, readers reconnect
        int n = 100;
        for (int i = 0; i < 50; i++) {
            sent.add(producer.send(key, "m" + n++));
        }
        redis.stopKeepingData();
        for (int i = 0; i < 50; i++) {
            sent.add(producer.send(key, "m" + n++));
        }
        redis.startAgain();
        for (int i = 0; i < 50; i++) {
            sent.add(producer.send(key, "m" + n++));
        }
        producer.flush();
        assertThat(sent).allSatisfy(f -> assertThat(f).isCompletedWithValueMatching(r -> r.key().equals(key)));
        List<String> all = payloads("m", 0, n);

        rt.addAll(receiveAll(realTime, all.subList(100, n)));
        res.addAll(receiveAll(resumable, all.subList(100, n)));
        shared.addAll(readTogetherAll(List.of(a, b), all.subList(100, n)));

        assertThat(new HashSet<>(texts(rt))).containsExactlyInAnyOrderElementsOf(all);
        assertOrderedPerShard(rt);
        assertNoEntryTwice(res);
        assertThat(new HashSet<>(texts(res))).containsExactlyInAnyOrderElementsOf(all);
        assertNoEntryTwice(shared);
        assertThat(new HashSet<>(texts(shared))).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void aRestartThatLostTheDataIsSurvivedToo() {
        StreamKey key = newKey("lost");
        Streamer streamer = connect();
        RedisConsumer realTime = consumer(streamer, quick(ConsumerOptions.realTime()), key);
        RedisConsumer resumable = consumer(streamer, manual(ConsumerOptions.resumable().group(newGroup("r"))), key);
        RedisConsumer member = consumer(streamer, manual(ConsumerOptions.loadBalanced(newGroup("lb"))), key);
        RedisProducer producer = producer(streamer);
        sendAll(producer, key, "before", 0, 5);
        assertThat(texts(receive(realTime, 5))).isEqualTo(payloads("before", 0, 5));
        assertThat(texts(receive(resumable, 5))).isEqualTo(payloads("before", 0, 5));
        assertThat(texts(receive(member, 5))).isEqualTo(payloads("before", 0, 5));

        redis.restartEmpty();
        sendAll(producer, key, "after", 0, 5);

        assertThat(texts(receive(realTime, 5))).isEqualTo(payloads("after", 0, 5));
        assertThat(texts(receive(resumable, 5))).isEqualTo(payloads("after", 0, 5));
        assertThat(texts(receive(member, 5))).isEqualTo(payloads("after", 0, 5));
    }

    private static void commitAll(RedisConsumer a, RedisConsumer b, List<Message> shared) {
        for (Message m : shared) {
            try {
                a.ack(m);
                b.ack(m);
            } catch (RuntimeException e) {
                throw new AssertionError(e);
            }
        }
        a.commitAcks();
        b.commitAcks();
    }

    private static void assertNoEntryTwice(List<Message> messages) {
        Set<String> seen = new HashSet<>();
        for (Message m : messages) {
            assertThat(seen.add(m.key() + "/" + m.shard() + "/" + m.seq())).as("delivered twice: " + m).isTrue();
        }
    }

    private static List<Message> readTogether(List<? extends Consumer> consumers, int total) {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (out.size() < total) {
            assertThat(System.nanoTime()).as("the group read only " + out.size() + " of " + total).isLessThan(deadline);
            for (Consumer c : consumers) {
                c.poll(Duration.ofMillis(10)).ifPresent(out::add);
            }
        }
        return out;
    }

    private static List<Message> readTogetherAll(List<? extends Consumer> consumers, List<String> expected) {
        List<Message> out = new ArrayList<>();
        Set<String> missing = new HashSet<>(expected);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!missing.isEmpty()) {
            assertThat(System.nanoTime()).as("the group still misses " + missing.size()).isLessThan(deadline);
            for (Consumer c : consumers) {
                c.poll(Duration.ofMillis(10)).ifPresent(m -> {
                    out.add(m);
                    missing.remove(m.asString());
                });
            }
        }
        return out;
    }
}
