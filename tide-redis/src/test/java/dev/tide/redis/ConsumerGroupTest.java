package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SeaStreamer's {@code consumer-group.rs}, {@code resumable.rs} and {@code load-balanced.rs}, plus
 * dead-letter streams and commits.
 */
class ConsumerGroupTest extends RedisTestSupport {

    private ConsumerOptions group(ConsumerMode mode, String group, String consumerId, AutoCommit commit, StreamReset reset) {
        return quick(ConsumerOptions.of(mode).group(group).reset(reset)
                .with(RedisOptions.CONSUMER_ID, consumerId)
                .with(RedisOptions.AUTO_COMMIT, commit)
                .with(RedisOptions.AUTO_COMMIT_DELAY, Duration.ZERO));
    }

    /** consumer-group.rs: a group consumer of a stream that does not exist yet, with and without MKSTREAM. */
    @ParameterizedTest(name = "mkstream {0}")
    @ValueSource(booleans = {false, true})
    void groupOnAMissingStream(boolean mkstream) {
        StreamKey key = newKey("missing");
        Streamer streamer = connect();
        ConsumerOptions options = quick(ConsumerOptions.loadBalanced(newGroup("mk")).reset(StreamReset.EARLIEST))
                .with(RedisOptions.MKSTREAM, mkstream);
        if (!mkstream) {
            assertThatThrownBy(() -> consumer(streamer, options, key))
                    .isInstanceOfSatisfying(StreamException.class,
                            e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.STREAM_KEY_NOT_FOUND))
                    .hasMessageContaining(key.name()).hasMessageContaining("redis.mkstream");
            assertThat(redis.call("EXISTS", key.name())).isEqualTo(0L);
            return;
        }
        RedisConsumer consumer = consumer(streamer, options, key);
        assertThat(redis.call("EXISTS", key.name())).isEqualTo(1L);
        sendAll(producer(streamer), key, "", 0, 5);
        assertThat(texts(receive(consumer, 5))).isEqualTo(payloads("", 0, 5));
    }

    static Stream<Arguments> groupModes(AutoCommit... commits) {
        List<Arguments> out = new ArrayList<>();
        for (AutoCommit c : commits) {
            for (ConsumerMode m : List.of(ConsumerMode.RESUMABLE, ConsumerMode.LOAD_BALANCED)) {
                out.add(Arguments.of(c, m));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> immediateAndDelayed() {
        return groupModes(AutoCommit.IMMEDIATE, AutoCommit.DELAYED);
    }

    static Stream<Arguments> rollingAndDisabled() {
        return groupModes(AutoCommit.ROLLING, AutoCommit.DISABLED);
    }

    /** resumable.rs immediate_and_delayed (delay 0): what was received is committed; a new instance resumes after it. */
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("immediateAndDelayed")
    void immediateAndDelayed(AutoCommit commit, ConsumerMode mode) {
        StreamKey key = newKey("imm-del");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer);
        sendAll(producer, key, "", 0, 5);
        String groupA = newGroup("a");
        String groupB = newGroup("b");
        RedisConsumer half = consumer(streamer, group(mode, groupA, "half", commit, StreamReset.LATEST), key);
        RedisConsumer full = consumer(streamer, group(mode, groupB, "full", commit, StreamReset.EARLIEST), key);
        assertThat(texts(receive(full, 5))).isEqualTo(payloads("", 0, 5));

        sendAll(producer, key, "", 5, 10);
        full.close();
        assertThat(texts(receive(half, 5))).isEqualTo(payloads("", 5, 10));

        RedisConsumer again = consumer(streamer, group(mode, groupB, "full", commit, StreamReset.EARLIEST), key);
        assertThat(texts(receive(again, 5))).isEqualTo(payloads("", 5, 10));
    }

    /**
     * resumable.rs rolling_and_disabled: {@code c} acknowledges 0..3 of 0..4 and resumes at 4;
     * {@code noCommit} acknowledges everything but never commits. With ROLLING the acknowledgements are
     * sent in the background, so (unlike SeaStreamer, which sends them only on later reads) they are
     * stored; with DISABLED they are not, and {@code noCommit} starts over.
     */
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("rollingAndDisabled")
    void rollingAndDisabled(AutoCommit commit, ConsumerMode mode) {
        StreamKey key = newKey("roll-dis");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer);
        sendAll(producer, key, "", 0, 5);
        String groupC = newGroup("c");
        String groupN = newGroup("n");
        RedisConsumer c = consumer(streamer, group(mode, groupC, "c", commit, StreamReset.EARLIEST), key);
        RedisConsumer noCommit = consumer(streamer, group(mode, groupN, "n", commit, StreamReset.EARLIEST), key);
        List<Message> gotC = receive(c, 5);
        List<Message> gotN = receive(noCommit, 5);
        assertThat(texts(gotC)).isEqualTo(payloads("", 0, 5));
        assertThat(texts(gotN)).isEqualTo(payloads("", 0, 5));
        gotC.subList(0, 4).forEach(c::ack);
        gotN.forEach(noCommit::ack);
        if (commit == AutoCommit.DISABLED) {
            c.commitAcks();
        } else {
            Awaitility.await("rolling acknowledgements are sent").atMost(PATIENCE)
                    .until(() -> pending(key, groupC) == 1 && pending(key, groupN) == 0);
        }
        sendAll(producer, key, "", 5, 10);
        c.close();
        noCommit.close();

        RedisConsumer c2 = consumer(streamer, group(mode, groupC, "c", commit, StreamReset.EARLIEST), key);
        assertThat(texts(receive(c2, 6))).containsExactly("4", "5", "6", "7", "8", "9");
        RedisConsumer n2 = consumer(streamer, group(mode, groupN, "n", commit, StreamReset.EARLIEST), key);
        if (commit == AutoCommit.DISABLED) {
            assertThat(texts(receive(n2, 10))).isEqualTo(payloads("", 0, 10));
        } else {
            assertThat(texts(receive(n2, 5))).isEqualTo(payloads("", 5, 10));
        }
    }

    private static long pending(StreamKey key, String group) {
        return (Long) ((List<?>) redis.call("XPENDING", key.name(), group)).get(0);
    }

    @Test
    void defaultPagesAreLargeForResumableSmallForLoadBalancedAndSeaStreamersForRealTime() {
        StreamKey key = newKey("pages");
        Streamer streamer = connect();
        int resumable = ((RedisConsumerImpl) consumer(streamer, ConsumerOptions.resumable().group(newGroup("pages-r")), key)).batchSize;
        int balanced = ((RedisConsumerImpl) consumer(streamer, ConsumerOptions.loadBalanced(newGroup("pages-lb")), key)).batchSize;
        int realTime = ((RedisConsumerImpl) consumer(streamer, ConsumerOptions.realTime(), key)).batchSize;
        int chosen = ((RedisConsumerImpl) consumer(streamer, ConsumerOptions.resumable().group(newGroup("pages-c"))
                .with(RedisOptions.BATCH_SIZE, 7), key)).batchSize;
        assertThat(List.of(resumable, balanced, realTime, chosen)).containsExactly(1000, 10, 100, 7);
    }

    @Test
    void rollingSendsAPagesWorthOfMarksWithoutWaitingForTheInterval() {
        StreamKey key = newKey("roll-page");
        Streamer streamer = connect();
        sendAll(producer(streamer), key, "", 0, 12);
        String g = newGroup("roll-page");
        RedisConsumer c = consumer(streamer, ConsumerOptions.resumable().group(g).reset(StreamReset.EARLIEST)
                .with(RedisOptions.AUTO_COMMIT, AutoCommit.ROLLING).with(RedisOptions.BATCH_SIZE, 5)
                .with(RedisOptions.AUTO_COMMIT_INTERVAL, Duration.ofHours(1)), key);
        List<Message> got = receive(c, 12);
        Awaitility.await("all twelve fetched").atMost(PATIENCE).until(() -> pending(key, g) == 12);
        got.subList(0, 11).forEach(c::ack);
        // two pages' worth (10) are sent at once; the eleventh waits for the interval, commitAcks() or close()
        Awaitility.await("a page's worth of marks is acknowledged").atMost(PATIENCE).until(() -> pending(key, g) <= 2);
        c.commitAcks();
        assertThat(pending(key, g)).isEqualTo(1);
    }

    /** commit(m) acknowledges m and everything this consumer received before it on the shard. */
    @Test
    void commitAcknowledgesEverythingBeforeOnTheShard() {
        StreamKey key = newKey("commit");
        Streamer streamer = connect();
        String g = newGroup("commit");
        RedisConsumer consumer = consumer(streamer, group(ConsumerMode.RESUMABLE, g, "one", AutoCommit.DISABLED,
                StreamReset.EARLIEST), key);
        sendAll(producer(streamer), key, "m", 0, 6);
        List<Message> got = receive(consumer, 6);
        assertThat(pending(key, g)).isEqualTo(6);

        consumer.commit(got.get(3));
        assertThat(pending(key, g)).isEqualTo(2);
        consumer.commit(got.get(1));
        assertThat(pending(key, g)).isEqualTo(2);
        await(consumer.commitAsync(got.get(5)));
        assertThat(pending(key, g)).isZero();
    }

    /** load-balanced.rs load_balance: two members of one group share ten messages. */
    @Test
    void membersShareTheStream() {
        StreamKey key = newKey("share");
        Streamer streamer = connect();
        String g = newGroup("share");
        ConsumerOptions options = quick(ConsumerOptions.loadBalanced(g).with(RedisOptions.AUTO_COMMIT, AutoCommit.DISABLED)
                .with(RedisOptions.BATCH_SIZE, 1));
        RedisConsumer a = consumer(streamer, options, key);
        RedisConsumer b = consumer(streamer, options, key);
        assertThat(a.consumerName()).isNotEqualTo(b.consumerName());
        sendAll(producer(streamer), key, "", 0, 10);

        List<Message> gotA = new ArrayList<>();
        List<Message> gotB = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (gotA.size() + gotB.size() < 10 && System.nanoTime() < deadline) {
            a.poll(Duration.ofMillis(20)).ifPresent(gotA::add);
            b.poll(Duration.ofMillis(20)).ifPresent(gotB::add);
        }
        List<String> all = new ArrayList<>(texts(gotA));
        all.addAll(texts(gotB));
        assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(payloads("", 0, 10));
        assertThat(gotA).isNotEmpty();
        assertThat(gotB).isNotEmpty();
    }

    /**
     * load-balanced.rs failover: alpha takes 0..4 and then stops (alive but stuck); beta, after the
     * idle threshold, claims them for itself with XAUTOCLAIM, one page (of one entry) at a time,
     * following the cursor. Then alpha closes and comes back under the same name: it gets only new messages.
     */
    @Test
    void failoverClaimsAStuckMembersMessages() {
        StreamKey key = newKey("failover");
        Streamer streamer = connect();
        String g = key.name();
        ConsumerOptions base = quick(ConsumerOptions.loadBalanced(g).reset(StreamReset.EARLIEST)
                .with(RedisOptions.AUTO_COMMIT, AutoCommit.DISABLED).with(RedisOptions.BATCH_SIZE, 1)
                .with(RedisOptions.AUTO_CLAIM_IDLE, Duration.ofMillis(300)));
        RedisProducer producer = producer(streamer);
        sendAll(producer, key, "", 0, 5);
        RedisConsumer alpha = consumer(streamer, base.with(RedisOptions.CONSUMER_ID, "alpha"), key);
        assertThat(texts(receive(alpha, 5))).isEqualTo(payloads("", 0, 5));

        RedisConsumer beta = consumer(streamer, base.with(RedisOptions.CONSUMER_ID, "beta"), key);
        sendAll(producer, key, "", 5, 10);
        List<Message> fresh = receive(beta, 5);
        assertThat(texts(fresh)).isEqualTo(payloads("", 5, 10));
        beta.commit(fresh.get(4));

        List<Message> claimed = receive(beta, 5);
        assertThat(texts(claimed)).isEqualTo(payloads("", 0, 5));
        beta.commit(claimed.get(4));
        assertThat(pending(key, g)).isZero();

        alpha.close();
        sendAll(producer, key, "", 10, 15);
        RedisConsumer alphaAgain = consumer(streamer, base.with(RedisOptions.CONSUMER_ID, "alpha"), key);
        List<Message> rest = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (rest.size() < 5 && System.nanoTime() < deadline) {
            alphaAgain.poll(Duration.ofMillis(20)).ifPresent(rest::add);
            beta.poll(Duration.ofMillis(20)).ifPresent(rest::add);
        }
        assertThat(texts(rest)).containsExactlyInAnyOrderElementsOf(payloads("", 10, 15));
    }

    /**
     * A message that stays unacknowledged through more deliveries than allowed goes to the dead-letter
     * stream: member a gets it and never acknowledges it, b claims it when it has been idle too long and
     * never acknowledges it either, and a's next claim (the third delivery) moves it.
     */
    @Test
    void aPoisonMessageEndsInTheDeadLetterStream() {
        StreamKey key = newKey("poison");
        StreamKey dlq = newKey("dlq");
        Streamer streamer = connect();
        String g = newGroup("poison");
        ConsumerOptions options = quick(ConsumerOptions.loadBalanced(g)
                .with(RedisOptions.AUTO_COMMIT, AutoCommit.DISABLED)
                .with(RedisOptions.AUTO_CLAIM_IDLE, Duration.ofMillis(100))
                .with(RedisOptions.DEAD_LETTER_STREAM, dlq.name())
                .with(RedisOptions.MAX_DELIVERIES, 2));
        RedisConsumer a = consumer(streamer, options, key);
        RedisConsumer b = consumer(streamer, options, key);
        String id = EntryId.of(await(producer(streamer).send(key, "poison")).seq()).toString();
        Message m = receive(a, 1).get(0);
        assertThat(m.asString()).isEqualTo("poison");
        assertThat(receive(b, 1).get(0).asString()).as("claimed by b").isEqualTo("poison");

        // the move is XADD to the dead-letter stream first, then XACK of the original (never lost in between)
        Awaitility.await("the poison message is dead-lettered and acknowledged").atMost(PATIENCE)
                .until(() -> (Long) redis.call("XLEN", dlq.name()) == 1L && pending(key, g) == 0L);
        List<?> entry = (List<?>) ((List<?>) redis.call("XRANGE", dlq.name(), "-", "+")).get(0);
        assertThat(entry.get(1)).isEqualTo(List.of("msg", "poison", "origin", key.name(), "origin-id", id));
        // a late commit of the dead-lettered message is harmless
        a.commit(m);
        b.commit(m);
    }

    /** A consumer that restarts while holding a poison message gets it replayed, and dead-lettered past the limit. */
    @Test
    void aReplayedPoisonMessageIsDeadLetteredAndTheRestFlows() {
        StreamKey key = newKey("replay-poison");
        StreamKey dlq = newKey("dlq");
        Streamer streamer = connect();
        ConsumerOptions options = quick(ConsumerOptions.resumable().group(newGroup("rp")).reset(StreamReset.EARLIEST)
                .with(RedisOptions.AUTO_COMMIT, AutoCommit.DISABLED)
                .with(RedisOptions.DEAD_LETTER_STREAM, dlq.name())
                .with(RedisOptions.MAX_DELIVERIES, 1));
        RedisProducer producer = producer(streamer);
        await(producer.send(key, "poison"));
        RedisConsumer first = consumer(streamer, options, key);
        assertThat(receive(first, 1).get(0).asString()).isEqualTo("poison");
        first.close();

        await(producer.send(key, "after"));
        RedisConsumer second = consumer(streamer, options, key);
        assertThat(receive(second, 1).get(0).asString()).isEqualTo("after");
        assertThat(redis.call("XLEN", dlq.name())).isEqualTo(1L);
    }

    /** The group vanishing (XGROUP DESTROY, or a server that lost its data) is repaired: the group is created again. */
    @Test
    void aDestroyedGroupIsCreatedAgain() {
        StreamKey key = newKey("destroyed");
        Streamer streamer = connect();
        String g = newGroup("destroyed");
        RedisConsumer consumer = consumer(streamer, quick(ConsumerOptions.loadBalanced(g)), key);
        RedisProducer producer = producer(streamer);
        await(producer.send(key, "before"));
        assertThat(receive(consumer, 1).get(0).asString()).isEqualTo("before");

        redis.call("XGROUP", "DESTROY", key.name(), g);
        await(producer.send(key, "after"));

        // the group comes back from the start of the stream: at least once
        List<Message> got = receiveAll(consumer, List.of("after"));
        assertThat(texts(got)).contains("after");
    }
}
