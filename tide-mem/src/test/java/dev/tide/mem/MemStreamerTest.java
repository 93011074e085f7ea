package dev.tide.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.SeqPos;
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
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour of the mem backend beyond the conformance suite. */
class MemStreamerTest {

    private static final AtomicLong NAMES = new AtomicLong();
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private final String name = "unit-" + NAMES.incrementAndGet();
    private final MutableClock clock = new MutableClock(T0);
    private final List<Streamer> streamers = new ArrayList<>();
    private final StreamKey a = StreamKey.of("a");
    private final StreamKey b = StreamKey.of("b");

    @AfterEach
    void closeAll() {
        streamers.forEach(Streamer::close);
    }

    private Streamer connect() {
        return connect(name);
    }

    private Streamer connect(String broker) {
        Streamer s = Streamer.connect("mem://" + broker + "/", ConnectOptions.defaults().with(MemOptions.CLOCK, clock));
        streamers.add(s);
        return s;
    }

    private static Consumer consumer(Streamer s, ConsumerOptions options, StreamKey... keys) {
        return s.consumer(List.of(keys), options);
    }

    private static List<String> take(Consumer c, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(c.poll(Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError("no message")).asString());
        }
        return out;
    }

    private static void send(Producer p, StreamKey key, String... texts) {
        for (String t : texts) {
            p.send(key, t).join();
        }
    }

    private static void assertKind(StreamException.Kind kind, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    // --- brokers and connections

    @Test
    void theMemSchemeIsRegistered() {
        assertThat(Streamer.schemes()).contains("mem");
    }

    @Test
    void connectionsToOneNameShareDataAndOtherNamesDoNot() {
        Streamer first = connect();
        Streamer second = connect();
        Streamer other = connect(name + "-other");
        send(first.producer(a, ProducerOptions.defaults()), a, "x");

        assertThat(take(consumer(second, ConsumerOptions.realTime().reset(StreamReset.EARLIEST), a), 1)).containsExactly("x");
        assertThat(consumer(other, ConsumerOptions.realTime().reset(StreamReset.EARLIEST), a).poll(Duration.ZERO)).isEmpty();
    }

    @Test
    void theEmptyNodeIsTheDefaultBroker() {
        StreamKey key = StreamKey.of("default-" + name);
        try (Streamer one = Streamer.connect("mem:///" + key); Streamer two = Streamer.connect("mem://./")) {
            assertThat(one.url().keys()).containsExactly(key);
            one.producer().send("hello").join();
            Consumer c = two.consumer(List.of(key), ConsumerOptions.realTime().reset(StreamReset.EARLIEST));
            assertThat(take(c, 1)).containsExactly("hello");
        }
    }

    @Test
    void closingAConnectionKeepsTheData() {
        Streamer first = connect();
        send(first.producer(a, ProducerOptions.defaults()), a, "kept");
        first.close();

        assertKind(StreamException.Kind.CLOSED, () -> first.producer(a, ProducerOptions.defaults()));
        assertKind(StreamException.Kind.CLOSED, () -> consumer(first, ConsumerOptions.realTime(), a));
        assertThat(take(consumer(connect(), ConsumerOptions.realTime().reset(StreamReset.EARLIEST), a), 1)).containsExactly("kept");
    }

    @Test
    void severalNodesAreRejected() {
        assertKind(StreamException.Kind.INVALID_URI, () -> Streamer.connect("mem://x,y/"));
    }

    @Test
    void unknownMemOptionsAreRejectedByNameAndOtherBackendsOptionsIgnored() {
        assertThatThrownBy(() -> Streamer.connect("mem://" + name + "/", ConnectOptions.defaults().with("mem.colour", "red")))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION))
                .hasMessageContaining("mem.colour").hasMessageContaining("mem.clock");
        Streamer s = connect();
        assertThatThrownBy(() -> s.consumer(List.of(a), ConsumerOptions.realTime().with("mem.batch", "1")))
                .hasMessageContaining("mem.batch");
        assertThatThrownBy(() -> s.producer(ProducerOptions.defaults().with("mem.batch", "1")))
                .hasMessageContaining("mem.batch");

        s.consumer(List.of(a), ConsumerOptions.realTime().with("redis.batch-size", "10")).close();
        Streamer.connect("mem://" + name + "/", ConnectOptions.defaults().with("kafka.acks", "all")).close();
    }

    @Test
    void badValuesOfMemOptionsAreRejected() {
        assertKind(StreamException.Kind.INVALID_OPTION,
                () -> Streamer.connect("mem://" + name + "/", ConnectOptions.defaults().with("mem.max-messages", "many")));
        assertKind(StreamException.Kind.INVALID_OPTION,
                () -> Streamer.connect("mem://" + name + "/", ConnectOptions.defaults().with(MemOptions.MAX_MESSAGES, -1L)));
        assertKind(StreamException.Kind.INVALID_OPTION,
                () -> Streamer.connect("mem://" + name + "/", ConnectOptions.defaults().with("mem.clock", "now")));
    }

    // --- storage

    @Test
    void theInjectedClockStampsMessagesAndTimestampsNeverGoBackwardsInAShard() {
        Streamer s = connect();
        Producer p = s.producer(a, ProducerOptions.defaults());
        Receipt first = p.send("one").join();
        clock.advance(Duration.ofSeconds(5));
        Receipt second = p.send("two").join();
        clock.set(T0.minusSeconds(60));
        Receipt third = p.send("three").join();

        assertThat(first.timestamp()).isEqualTo(T0);
        assertThat(second.timestamp()).isEqualTo(T0.plusSeconds(5));
        assertThat(third.timestamp()).isEqualTo(T0.plusSeconds(5));
        assertThat(List.of(first.seq(), second.seq(), third.seq())).containsExactly(SeqNo.of(1), SeqNo.of(2), SeqNo.of(3));
    }

    @Test
    void maxMessagesKeepsTheNewestAndBeginningMeansTheOldestKept() {
        Streamer s = Streamer.connect("mem://" + name + "/", ConnectOptions.defaults().with(MemOptions.MAX_MESSAGES, 3L));
        streamers.add(s);
        Producer p = s.producer(a, ProducerOptions.defaults());
        for (int i = 0; i < 40; i++) {
            p.send("m" + i).join();
        }
        Consumer c = consumer(s, ConsumerOptions.realTime().reset(StreamReset.EARLIEST), a);
        assertThat(take(c, 3)).containsExactly("m37", "m38", "m39");
        c.rewind(SeqPos.at(1));
        Message m = c.poll(Duration.ofSeconds(5)).orElseThrow();
        assertThat(m.asString()).isEqualTo("m37");
        assertThat(m.seq()).isEqualTo(SeqNo.of(38));

        assertKind(StreamException.Kind.INVALID_OPTION,
                () -> Streamer.connect("mem://" + name + "/", ConnectOptions.defaults().with(MemOptions.MAX_MESSAGES, 4L)));
        Streamer.connect("mem://" + name + "/", ConnectOptions.defaults().with(MemOptions.MAX_MESSAGES, 3L)).close();
    }

    @Test
    void payloadsArriveAsReadOnlyViews() {
        Streamer s = connect();
        Consumer c = consumer(s, ConsumerOptions.realTime(), a);
        byte[] payload = {1, 2, 3};
        s.producer(a, ProducerOptions.defaults()).send(payload).join();
        Message m = c.poll(Duration.ofSeconds(5)).orElseThrow();
        assertThat(m.bytes()).containsExactly(1, 2, 3);
        assertThat(m.buffer().isReadOnly()).isTrue();
    }

    @Test
    void aConsumerOfSeveralStreamsAndShardsReceivesInAppendOrder() {
        Streamer s = connect();
        Consumer c = consumer(s, ConsumerOptions.realTime(), a, b);
        Producer p = s.producer(ProducerOptions.defaults());
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            StreamKey key = i % 3 == 0 ? b : a;
            String text = key + "-" + i;
            p.send(key, ShardId.of(i % 4), text.getBytes(java.nio.charset.StandardCharsets.UTF_8)).join();
            sent.add(text);
        }
        assertThat(take(c, 30)).isEqualTo(sent);
    }

    // --- reserved key and misuse

    @Test
    void theReservedKeyCannotBeSentToAnchoredOrRead() {
        Streamer s = connect();
        StreamKey internal = StreamKey.of(StreamKey.INTERNAL);
        assertKind(StreamException.Kind.INVALID_STREAM_KEY, () -> s.producer(internal, ProducerOptions.defaults()));
        assertKind(StreamException.Kind.INVALID_STREAM_KEY, () -> consumer(s, ConsumerOptions.realTime(), internal));
        assertKind(StreamException.Kind.INVALID_STREAM_KEY,
                () -> s.producer(ProducerOptions.defaults()).send(internal, ShardId.of(2), new byte[0]));
    }

    @Test
    void committingAMessageOfAnotherStreamFails() {
        Streamer s = connect();
        Consumer reader = consumer(s, ConsumerOptions.resumable().group("g"), a);
        Consumer other = consumer(s, ConsumerOptions.realTime(), b);
        send(s.producer(b, ProducerOptions.defaults()), b, "x");
        Message fromB = other.poll(Duration.ofSeconds(5)).orElseThrow();
        assertKind(StreamException.Kind.STREAM_KEY_NOT_FOUND, () -> reader.commit(fromB));
        reader.close();
        assertKind(StreamException.Kind.CLOSED, () -> reader.rewind(SeqPos.BEGINNING));
        assertKind(StreamException.Kind.CLOSED, () -> reader.commit(fromB));
    }

    @Test
    void unassignWithoutAssignStartsFromEveryShard() {
        Streamer s = connect();
        Producer p = s.producer(a, ProducerOptions.defaults());
        p.send(a, ShardId.of(0), new byte[] {0}).join();
        p.send(a, ShardId.of(1), new byte[] {1}).join();
        Consumer c = consumer(s, ConsumerOptions.realTime(), a);

        c.unassign(a, ShardId.of(0));
        assertKind(StreamException.Kind.STREAM_KEY_EMPTY, () -> c.unassign(a, ShardId.of(1)));
        assertKind(StreamException.Kind.STREAM_KEY_NOT_FOUND, () -> c.unassign(a, ShardId.of(7)));
        c.rewind(SeqPos.BEGINNING);
        Message m = c.poll(Duration.ofSeconds(5)).orElseThrow();
        assertThat(m.shard()).isEqualTo(ShardId.of(1));
        assertThat(c.poll(Duration.ZERO)).isEmpty();
    }

    @Test
    void rewindPastTheEndWaitsForThatSequenceNumber() {
        Streamer s = connect();
        Producer p = s.producer(a, ProducerOptions.defaults());
        send(p, a, "m1", "m2");
        Consumer c = consumer(s, ConsumerOptions.realTime(), a);
        c.rewind(SeqPos.at(5));
        send(p, a, "m3", "m4", "m5", "m6");
        assertThat(take(c, 2)).containsExactly("m5", "m6");
        c.rewind(SeqPos.at(-1L));
        send(p, a, "m7");
        assertThat(c.poll(Duration.ZERO)).isEmpty();
    }

    @Test
    void aBlockedReaderIsInterrupted() throws Exception {
        Streamer s = connect();
        Consumer c = consumer(s, ConsumerOptions.realTime(), a);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        CompletableFuture<Boolean> flag = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                c.next();
                outcome.complete(null);
            } catch (Throwable t) {
                flag.complete(Thread.currentThread().isInterrupted());
                outcome.complete(t);
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> reader.getState() == Thread.State.WAITING);
        reader.interrupt();

        assertThat(outcome.get()).isInstanceOfSatisfying(StreamException.class,
                e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INTERRUPTED));
        assertThat(flag.get()).isTrue();
    }

    @Test
    void pollWithANegativeTimeoutDoesNotWait() {
        Consumer c = consumer(connect(), ConsumerOptions.realTime(), a);
        assertThat(c.poll(Duration.ofSeconds(-1))).isEmpty();
    }

    // --- RESUMABLE

    @Test
    void resumableLastCommitWinsSoARewoundConsumerMayCommitEarlier() {
        Streamer s = connect();
        send(s.producer(a, ProducerOptions.defaults()), a, "m1", "m2", "m3", "m4");
        ConsumerOptions options = ConsumerOptions.resumable().group("r").reset(StreamReset.EARLIEST);
        Consumer c = consumer(s, options, a);
        List<Message> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            got.add(c.poll(Duration.ofSeconds(5)).orElseThrow());
        }
        c.commit(got.get(3));
        c.rewind(SeqPos.BEGINNING);
        c.commit(c.poll(Duration.ofSeconds(5)).orElseThrow());
        c.close();

        assertThat(take(consumer(connect(), options, a), 1)).containsExactly("m2");
    }

    @Test
    void resumableAndLoadBalancedGroupsOfOneNameAreSeparate() {
        Streamer s = connect();
        send(s.producer(a, ProducerOptions.defaults()), a, "m1", "m2", "m3");
        Consumer resumable = consumer(s, ConsumerOptions.resumable().group("same").reset(StreamReset.EARLIEST), a);
        resumable.commit(resumable.poll(Duration.ofSeconds(5)).orElseThrow());
        resumable.commit(resumable.poll(Duration.ofSeconds(5)).orElseThrow());

        Consumer member = consumer(s, ConsumerOptions.loadBalanced("same").reset(StreamReset.EARLIEST), a);

        assertThat(take(member, 3)).containsExactly("m1", "m2", "m3");
    }

    // --- LOAD_BALANCED

    @Test
    void handedBackMessagesComeBeforeNewOnesInAppendOrder() {
        Streamer s = connect();
        Producer p = s.producer(ProducerOptions.defaults());
        ConsumerOptions group = ConsumerOptions.loadBalanced("g");
        Consumer first = consumer(s, group, a, b);
        Consumer second = consumer(s, group, a, b);
        send(p, a, "a1");
        send(p, b, "b1");
        send(p, a, "a2");
        send(p, b, "b2");
        assertThat(take(first, 3)).containsExactly("a1", "b1", "a2");
        first.close();

        send(p, a, "a3");
        assertThat(take(second, 5)).containsExactly("a1", "b1", "a2", "b2", "a3");
    }

    @Test
    void commitReleasesOnlyTheCommittedMessageAndThoseBeforeItOnItsShard() {
        Streamer s = connect();
        Producer p = s.producer(a, ProducerOptions.defaults());
        ConsumerOptions group = ConsumerOptions.loadBalanced("g");
        Consumer first = consumer(s, group, a);
        for (int i = 1; i <= 6; i++) {
            p.send(a, ShardId.of(i % 2), ("m" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)).join();
        }
        List<Message> got = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            got.add(first.poll(Duration.ofSeconds(5)).orElseThrow());
        }
        first.commit(got.get(4)); // m5 on shard 1: releases m1, m3, m5
        Consumer second = consumer(s, group, a);
        first.close();

        assertThat(take(second, 3)).containsExactly("m2", "m4", "m6");
        assertThat(second.poll(Duration.ZERO)).isEmpty();
    }

    @Test
    void aGroupWhoseMembersAllLeftRedeliversWhatTheyHeld() {
        Streamer s = connect();
        send(s.producer(a, ProducerOptions.defaults()), a, "m1", "m2", "m3");
        ConsumerOptions group = ConsumerOptions.loadBalanced("g").reset(StreamReset.EARLIEST);
        Consumer first = consumer(s, group, a);
        Message m1 = first.poll(Duration.ofSeconds(5)).orElseThrow();
        first.poll(Duration.ofSeconds(5)).orElseThrow();
        first.commit(m1);
        first.close();

        Consumer later = consumer(connect(), ConsumerOptions.loadBalanced("g"), a);
        assertThat(take(later, 2)).containsExactly("m2", "m3");
    }

    @Test
    void rewindOfAMemberMovesTheGroupCursor() {
        Streamer s = connect();
        Producer p = s.producer(a, ProducerOptions.defaults());
        ConsumerOptions group = ConsumerOptions.loadBalanced("g");
        Consumer first = consumer(s, group, a);
        Consumer second = consumer(s, group, a);
        send(p, a, "m1", "m2", "m3");
        assertThat(take(first, 3)).containsExactly("m1", "m2", "m3");

        first.rewind(SeqPos.at(2));

        assertThat(take(second, 2)).containsExactly("m2", "m3");
    }

    @Test
    void seekOfAMemberDropsReturnedMessagesOfItsShards() {
        Streamer s = connect();
        Producer p = s.producer(a, ProducerOptions.defaults());
        ConsumerOptions group = ConsumerOptions.loadBalanced("g");
        Consumer first = consumer(s, group, a);
        Consumer second = consumer(s, group, a);
        send(p, a, "m1");
        clock.advance(Duration.ofSeconds(1));
        send(p, a, "m2");
        assertThat(take(first, 2)).containsExactly("m1", "m2");
        first.close();

        second.seek(T0.plusSeconds(1));

        assertThat(take(second, 1)).containsExactly("m2");
        assertThat(second.poll(Duration.ZERO)).isEmpty();
    }

    @Test
    void aMemberSeesShardsThatAppearAfterTheGroupStarted() {
        Streamer s = connect();
        Producer p = s.producer(a, ProducerOptions.defaults());
        send(p, a, "old");
        Consumer member = consumer(s, ConsumerOptions.loadBalanced("g"), a);
        p.send(a, ShardId.of(9), "new-shard".getBytes(java.nio.charset.StandardCharsets.UTF_8)).join();
        assertThat(take(member, 1)).containsExactly("new-shard");
    }

    @Test
    void aMemberJoiningLaterDoesNotSkipShardsThatAppearedAfterTheGroupStarted() {
        Streamer s = connect();
        Producer p = s.producer(a, ProducerOptions.defaults());
        send(p, a, "before");
        consumer(s, ConsumerOptions.loadBalanced("g"), a).close();
        p.send(a, ShardId.of(3), "on-3".getBytes(java.nio.charset.StandardCharsets.UTF_8)).join();
        send(p, a, "on-0");

        Consumer later = consumer(s, ConsumerOptions.loadBalanced("g"), a);

        assertThat(take(later, 2)).containsExactly("on-3", "on-0");
    }
}
