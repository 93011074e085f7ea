package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.Receipt;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStreamerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final StreamKey A = StreamKey.of("a");
    private static final StreamKey B = StreamKey.of("b");

    @TempDir
    Path dir;

    private Streamer connect(Path file, String keys, ConnectOptions options) {
        return Streamer.connect("file://" + file + "/" + keys,
                options.with(FileOptions.CREATE, FileOptions.CreateMode.IF_MISSING));
    }

    private Streamer connect(Path file) {
        return connect(file, "", ConnectOptions.defaults());
    }

    private static List<Message> receive(Consumer c, int n) {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            assertThat(left).as("received only %d of %d", out.size(), n).isPositive();
            c.poll(Duration.ofNanos(left)).ifPresent(out::add);
        }
        return out;
    }

    private static List<String> texts(List<Message> ms) {
        return ms.stream().map(Message::asString).toList();
    }

    private static Receipt await(CompletableFuture<Receipt> f) {
        return f.orTimeout(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
    }

    @Test
    void sequenceNumbersStartAtOnePerStreamAndReceiptsMatchWhatIsRead() {
        Path file = dir.resolve("x.ss");
        try (Streamer s = connect(file)) {
            Producer p = s.producer(ConnectOptionsHolder.NONE);
            List<Receipt> receipts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                receipts.add(await(p.send(i % 2 == 0 ? A : B, "m" + i)));
            }
            assertThat(receipts).extracting(r -> r.key().name() + r.seq()).containsExactly("a1", "b1", "a2", "b2", "a3");
            Consumer c = s.consumer(List.of(A, B), ConsumerOptions.realTime().reset(StreamReset.EARLIEST));
            List<Message> got = receive(c, 5);
            assertThat(got).extracting(Message::header).containsExactlyElementsOf(
                    receipts.stream().map(Receipt::header).toList());
        }
    }

    @Test
    void liveTailSeesNewMessagesAndLatestSkipsOldOnes() {
        Path file = dir.resolve("live.ss");
        try (Streamer s = connect(file)) {
            Producer p = s.producer(A, ConnectOptionsHolder.NONE);
            await(p.send("old"));
            Consumer latest = s.consumer(List.of(A), ConsumerOptions.realTime());
            Consumer earliest = s.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST));
            await(p.send("new"));
            assertThat(texts(receive(latest, 1))).containsExactly("new");
            assertThat(texts(receive(earliest, 2))).containsExactly("old", "new");
        }
    }

    @Test
    void aReopenedFileContinuesEveryStream() {
        Path file = dir.resolve("reopen.ss");
        try (Streamer s = connect(file)) {
            Producer p = s.producer(ConnectOptionsHolder.NONE);
            for (int i = 0; i < 3; i++) {
                await(p.send(A, "a"));
            }
            await(p.send(B, "b"));
        }
        try (Streamer s = connect(file)) {
            Producer p = s.producer(ConnectOptionsHolder.NONE);
            assertThat(await(p.send(A, "a")).seq().value()).isEqualTo(4);
            assertThat(await(p.send(B, "b")).seq().value()).isEqualTo(2);
            assertThat(await(p.send(StreamKey.of("c"), "c")).seq().value()).isEqualTo(1);
        }
    }

    @Test
    void endOfStreamEndsConsumersAndIsOverwrittenByTheNextSession() {
        Path file = dir.resolve("eos.ss");
        ConnectOptions eos = ConnectOptions.defaults().with(FileOptions.END_WITH_EOS, true);
        try (Streamer s = connect(file, "a", eos)) {
            Streamer other = connect(file);
            Consumer c = other.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST));
            Producer p = s.producer();
            await(p.send("1"));
            s.close();
            assertThat(c.flow().toList()).extracting(Message::asString).containsExactly("1");
            assertThatThrownBy(c::next).isInstanceOfSatisfying(StreamException.class,
                    e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.ENDED));
            other.close();
        }
        try (Streamer s = connect(file, "a", ConnectOptions.defaults())) {
            assertThat(await(s.producer().send("2")).seq().value()).isEqualTo(2);
            s.producer().flush();
        }
        byte[] bytes = readAll(file);
        List<Vectors.Frame> frames = Vectors.frames(bytes);
        assertThat(frames).extracting(f -> new String(f.payload(), StandardCharsets.UTF_8)).containsExactly("1", "2");
    }

    @Test
    void writesByteForByteWhatSeaStreamersProducerWrote() throws IOException {
        byte[] vector = Vectors.ss("producer-api");
        List<Vectors.Frame> frames = Vectors.frames(vector);
        FileHeader header = Vectors.header(vector);
        List<Long> times = new ArrayList<>();
        times.add(header.createdAtMs());
        frames.forEach(f -> times.add(f.ts()));
        Path file = dir.resolve("producer-api.ss");
        ConnectOptions options = ConnectOptions.defaults().with(FileOptions.CLOCK, new ListClock(times))
                .with(FileOptions.BEACON_INTERVAL, 1024).with(FileOptions.END_WITH_EOS, true);
        try (Streamer s = connect(file, "", options)) {
            Producer p = s.producer(ConnectOptionsHolder.NONE);
            for (Vectors.Frame f : frames) {
                if (!f.key().equals(StreamKey.INTERNAL)) {
                    Receipt r = await(p.send(StreamKey.of(f.key()), f.payload()));
                    assertThat(r.seq().value()).isEqualTo(f.seq());
                }
            }
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(vector);
    }

    @Test
    void manyThreadsShareOneWriterAndEachKeepsItsOrder() throws Exception {
        Path file = dir.resolve("threads.ss");
        int threads = 4;
        int each = 500;
        try (Streamer s = connect(file)) {
            Producer p = s.producer(A, ConnectOptionsHolder.NONE);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < each; i++) {
                        p.send(id + ":" + i);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            p.flush();
            Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST));
            List<Message> got = receive(c, threads * each);
            int[] next = new int[threads];
            long seq = 1;
            for (Message m : got) {
                assertThat(m.seq().value()).isEqualTo(seq++);
                String[] parts = m.asString().split(":");
                int id = Integer.parseInt(parts[0]);
                assertThat(Integer.parseInt(parts[1])).isEqualTo(next[id]++);
            }
        }
    }

    @Test
    void loadBalancedGroupsSplitBySeqModuloMembers() {
        Path file = dir.resolve("group.ss");
        try (Streamer s = connect(file)) {
            ConsumerOptions lb = ConsumerOptions.loadBalanced("friends").reset(StreamReset.EARLIEST);
            Consumer chip = s.consumer(List.of(A), lb);
            Consumer dale = s.consumer(List.of(A), lb);
            Producer p = s.producer(A, ConnectOptionsHolder.NONE);
            for (int i = 1; i <= 10; i++) {
                p.send(Integer.toString(i));
            }
            assertThat(texts(receive(chip, 5))).containsExactly("2", "4", "6", "8", "10");
            assertThat(texts(receive(dale, 5))).containsExactly("1", "3", "5", "7", "9");
        }
    }

    @Test
    void aClosingMemberHandsItsUncommittedMessagesToTheOthers() {
        Path file = dir.resolve("takeover.ss");
        try (Streamer s = connect(file)) {
            ConsumerOptions lb = ConsumerOptions.loadBalanced("g").reset(StreamReset.EARLIEST);
            Consumer one = s.consumer(List.of(A), lb);
            Consumer two = s.consumer(List.of(A), lb);
            Producer p = s.producer(A, ConnectOptionsHolder.NONE);
            for (int i = 1; i <= 4; i++) {
                await(p.send(Integer.toString(i)));
            }
            List<Message> first = receive(two, 2); // seq 1, 3
            two.commit(first.get(0));
            two.close();
            List<String> rest = texts(receive(one, 3));
            assertThat(rest).containsExactlyInAnyOrder("2", "4", "3");
        }
    }

    @Test
    void resumableConsumersContinueAfterTheirCommitsAcrossRestarts() {
        Path file = dir.resolve("resume.ss");
        ConsumerOptions resumable = ConsumerOptions.resumable().group("r").reset(StreamReset.EARLIEST);
        try (Streamer s = connect(file)) {
            Producer p = s.producer(A, ConnectOptionsHolder.NONE);
            for (int i = 1; i <= 5; i++) {
                await(p.send(Integer.toString(i)));
            }
            Consumer c = s.consumer(List.of(A), resumable);
            List<Message> got = receive(c, 3);
            c.commit(got.get(2));
        }
        assertThat(dir.resolve("resume.ss.r.commits")).exists();
        try (Streamer s = connect(file)) {
            Consumer c = s.consumer(List.of(A), resumable);
            assertThat(texts(receive(c, 2))).containsExactly("4", "5");
            assertThatThrownBy(() -> s.consumer(List.of(A), ConsumerOptions.realTime()).commit(got(c)))
                    .isInstanceOfSatisfying(StreamException.class,
                            e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.COMMIT_NOT_ALLOWED));
        }
    }

    private static Message got(Consumer c) {
        return Message.of(new dev.tide.MessageHeader(A, ShardId.ZERO, dev.tide.SeqNo.of(1), Instant.EPOCH), new byte[0]);
    }

    @Test
    void allStreamsReadsEveryStreamButNotTheInternalOnes() {
        Path file = dir.resolve("wild.ss");
        try (Streamer s = connect(file)) {
            Consumer all = s.consumer(List.of(), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                    .with(FileOptions.ALL_STREAMS, true));
            Consumer wildcard = s.consumer(List.of(StreamKey.of(FileOptions.WILDCARD_KEY)),
                    ConsumerOptions.realTime().reset(StreamReset.EARLIEST));
            Producer p = s.producer(ConnectOptionsHolder.NONE);
            p.send(A, "x");
            p.send(B, "y");
            p.send(StreamKey.of("c"), "z");
            assertThat(texts(receive(all, 3))).containsExactly("x", "y", "z");
            assertThat(texts(receive(wildcard, 3))).containsExactly("x", "y", "z");
        }
    }

    @Test
    void rewindAndSeekGoToTheFirstMessageAtOrAfterTheTarget() {
        Path file = dir.resolve("seek.ss");
        AtomicInteger tick = new AtomicInteger();
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(1_000_000 + tick.getAndIncrement() * 10L);
            }
        };
        ConnectOptions small = ConnectOptions.defaults().with(FileOptions.CLOCK, clock).with(FileOptions.BEACON_INTERVAL, 1024);
        try (Streamer s = connect(file, "", small)) {
            Producer p = s.producer(A, ConnectOptionsHolder.NONE);
            List<Receipt> rs = new ArrayList<>();
            for (int i = 1; i <= 300; i++) {
                rs.add(await(p.send("payload-" + i + "-" + "x".repeat(i % 40))));
            }
            Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST));
            receive(c, 300);
            c.rewind(SeqPos.at(250));
            assertThat(receive(c, 1).get(0).seq().value()).isEqualTo(250);
            c.rewind(SeqPos.BEGINNING);
            assertThat(receive(c, 1).get(0).seq().value()).isEqualTo(1);
            c.seek(rs.get(99).timestamp());
            assertThat(receive(c, 1).get(0).seq().value()).isEqualTo(100);
            c.seek(rs.get(99).timestamp().plusNanos(1));
            assertThat(receive(c, 1).get(0).seq().value()).isEqualTo(101);
            c.rewind(SeqPos.END);
            p.send("after");
            assertThat(texts(receive(c, 1))).containsExactly("after");
        }
    }

    @Test
    void theSizeLimitFailsTheSendAndWritesNothing() throws IOException {
        Path file = dir.resolve("limit.ss");
        ConnectOptions limit = ConnectOptions.defaults().with(FileOptions.SIZE_LIMIT, 128L + 100);
        try (Streamer s = connect(file, "", limit)) {
            Producer p = s.producer(A, ConnectOptionsHolder.NONE);
            await(p.send("x".repeat(40)));
            long size = Files.size(file);
            CompletableFuture<Receipt> f = p.send("y".repeat(40));
            assertThatThrownBy(f::join).hasCauseInstanceOf(StreamException.class).hasMessageContaining("size limit");
            p.flush();
            assertThat(Files.size(file)).isEqualTo(size);
        }
    }

    @Test
    void createModes() {
        Path file = dir.resolve("modes.ss");
        assertThatThrownBy(() -> Streamer.connect("file://" + file + "/a"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CONNECT));
        ConnectOptions only = ConnectOptions.defaults().with(FileOptions.CREATE, FileOptions.CreateMode.ONLY);
        Streamer.connect("file://" + file + "/a", only).close();
        assertThatThrownBy(() -> Streamer.connect("file://" + file + "/a", only))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CONNECT));
        Streamer.connect("file://" + file + "/a").close();
        assertThatThrownBy(() -> Streamer.connect("file://" + file + "/a",
                ConnectOptions.defaults().with("file.nonsense", "1")))
                .isInstanceOfSatisfying(StreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION));
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A clock that returns the given milliseconds in turn (then the last one). */
    static final class ListClock extends Clock {
        private final List<Long> times;
        private final AtomicInteger next = new AtomicInteger();

        ListClock(List<Long> times) {
            this.times = times;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            int i = next.getAndIncrement();
            return times.get(Math.min(i, times.size() - 1));
        }
    }

    /** Producer options with nothing set. */
    static final class ConnectOptionsHolder {
        static final dev.tide.ProducerOptions NONE = dev.tide.ProducerOptions.defaults();
    }
}
