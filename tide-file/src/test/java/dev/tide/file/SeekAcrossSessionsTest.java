package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.SeqNo;
import dev.tide.SeqPos;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seek and rewind without {@code assign} on a stream with several shards, in a file written by several
 * sessions: beacon markers list only the streams of their own session, so a shard written only in an
 * earlier session has no marker in the later beacons.
 */
class SeekAcrossSessionsTest {

    private static final StreamKey A = StreamKey.of("a");

    @TempDir
    Path dir;

    /** A clock that moves one millisecond per reading. */
    private static final class Ticking extends Clock {
        final AtomicLong ms;

        Ticking(long start) {
            ms = new AtomicLong(start);
        }

        @Override
        public long millis() {
            return ms.getAndIncrement();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private Streamer connect(Path file, Clock clock) {
        return Streamer.connect("file://" + file + "/a", ConnectOptions.defaults()
                .with(FileOptions.CREATE, FileOptions.CreateMode.IF_MISSING)
                .with(FileOptions.BEACON_INTERVAL, 64 * 1024)
                .with(FileOptions.CLOCK, clock));
    }

    /** Session 1: shard 1 seqs 1..200 (ts 1000..), shard 0 seqs 1..10; session 2: shard 0 seqs 11..400. */
    private Path write() {
        Path file = dir.resolve("sessions.ss");
        try (Streamer s = connect(file, new Ticking(1_000_000))) {
            Producer p = s.producer(A, ProducerOptions.defaults());
            for (int i = 1; i <= 200; i++) {
                p.send(A, ShardId.of(1), ("one-" + i + "-" + "y".repeat(1000)).getBytes());
                if (i % 20 == 0) {
                    p.send(A, ("zero-" + i / 20).getBytes());
                }
            }
            p.flush();
        }
        try (Streamer s = connect(file, new Ticking(2_000_000))) {
            Producer p = s.producer(A, ProducerOptions.defaults());
            for (int i = 11; i <= 400; i++) {
                p.send(A, ("zero-" + i + "-" + "z".repeat(1000)).getBytes());
            }
            p.flush();
        }
        return file;
    }

    private static List<String> readToEnd(Consumer c) {
        List<String> out = new ArrayList<>();
        assertThatThrownBy(() -> {
            while (true) {
                Message m = c.next();
                out.add(m.shard().id() + "/" + m.seq().value());
            }
        }).isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.ENDED));
        return out;
    }

    private static List<String> expected(int shard, long from, long to) {
        List<String> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(shard + "/" + i);
        }
        return out;
    }

    @Test
    void rewindFindsTheFirstMessageOfEveryShardWrittenInAnEarlierSession() {
        Path file = write();
        try (Streamer s = connect(file, Clock.systemUTC());
                Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                        .with(FileOptions.LIVE, false))) {
            c.rewind(SeqPos.at(SeqNo.of(150)));
            List<String> read = readToEnd(c);
            assertThat(read.stream().filter(x -> x.startsWith("1/")).toList())
                    .containsExactlyElementsOf(expected(1, 150, 200));
            assertThat(read.stream().filter(x -> x.startsWith("0/")).toList())
                    .containsExactlyElementsOf(expected(0, 150, 400));
        }
    }

    private static List<String> rewoundTo150(Streamer s) {
        try (Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                .with(FileOptions.LIVE, false))) {
            c.rewind(SeqPos.at(SeqNo.of(150)));
            return readToEnd(c);
        }
    }

    private static List<String> ofShard(List<String> read, int shard) {
        return read.stream().filter(x -> x.startsWith(shard + "/")).toList();
    }

    @Test
    void keyWideSeeksReadEachBeaconOnceWhileTheFileIsOpenAndFindShardsAddedSince() throws IOException {
        Path file = write();
        try (Streamer s = connect(file, Clock.systemUTC())) {
            ShardCatalog catalog = SharedFile.opened(file.toRealPath()).catalog();
            List<String> first = rewoundTo150(s);
            assertThat(ofShard(first, 1)).containsExactlyElementsOf(expected(1, 150, 200));
            assertThat(ofShard(first, 0)).containsExactlyElementsOf(expected(0, 150, 400));
            long beacons = (Files.size(file) - 1) / (64 * 1024);
            assertThat(catalog.beaconsRead()).as("every beacon, once").isEqualTo(beacons);

            assertThat(rewoundTo150(s)).containsExactlyElementsOf(first);
            assertThat(catalog.beaconsRead()).as("no beacon read again").isEqualTo(beacons);

            // a third session, in this process, with a shard of its own
            try (Producer p = s.producer(A, ProducerOptions.defaults())) {
                for (int i = 1; i <= 200; i++) {
                    p.send(A, ShardId.of(3), ("three-" + i + "-" + "x".repeat(1000)).getBytes());
                }
                p.flush();
            }
            List<String> later = rewoundTo150(s);
            assertThat(ofShard(later, 3)).containsExactlyElementsOf(expected(3, 150, 200));
            assertThat(ofShard(later, 1)).containsExactlyElementsOf(expected(1, 150, 200));
            assertThat(ofShard(later, 0)).containsExactlyElementsOf(expected(0, 150, 400));
            assertThat(catalog.beaconsRead()).as("only the new beacons").isEqualTo((Files.size(file) - 1) / (64 * 1024));
        }
    }

    @Test
    void seekFindsTheFirstMessageOfEveryShardWrittenInAnEarlierSession() {
        Path file = write();
        try (Streamer s = connect(file, Clock.systemUTC());
                Consumer all = s.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                        .with(FileOptions.LIVE, false));
                Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                        .with(FileOptions.LIVE, false))) {
            List<Message> everything = new ArrayList<>();
            assertThatThrownBy(() -> {
                while (true) {
                    everything.add(all.next());
                }
            }).isInstanceOf(StreamException.class);
            Instant t = everything.stream().filter(m -> m.shard().id() == 1 && m.seq().value() == 150)
                    .findFirst().orElseThrow().timestamp();
            List<String> expected = everything.stream().filter(m -> !m.timestamp().isBefore(t))
                    .map(m -> m.shard().id() + "/" + m.seq().value()).toList();
            assertThat(expected).contains("1/150", "1/200", "0/400").doesNotContain("1/149");
            c.seek(t);
            assertThat(readToEnd(c)).containsExactlyElementsOf(expected);
        }
    }

    /**
     * Session 1: shard 0 seqs 1..100 (ts 1,000,000..); session 2, shorter than a beacon interval: shard 2
     * seqs 1..250 (ts 1,200,000..), which no beacon lists; session 3: shard 0 seqs 101..400
     * (ts 1,100,000..: each shard's timestamps grow along the file).
     */
    private Path writeShortSession() throws IOException {
        Path file = dir.resolve("short.ss");
        try (Streamer s = connect(file, new Ticking(1_000_000))) {
            Producer p = s.producer(A, ProducerOptions.defaults());
            for (int i = 1; i <= 100; i++) {
                p.send(A, ("zero-" + i + "-" + "y".repeat(1000)).getBytes());
            }
            p.flush();
        }
        try (Streamer s = connect(file, new Ticking(1_200_000))) {
            Producer p = s.producer(A, ProducerOptions.defaults());
            for (int i = 1; i <= 250; i++) {
                p.send(A, ShardId.of(2), ("two-" + i).getBytes());
            }
            p.flush();
        }
        try (Streamer s = connect(file, new Ticking(1_100_000))) {
            Producer p = s.producer(A, ProducerOptions.defaults());
            for (int i = 101; i <= 400; i++) {
                p.send(A, ("zero-" + i + "-" + "z".repeat(1000)).getBytes());
            }
            p.flush();
        }
        SsReader r = new SsReader(ByteSource.of(Files.readAllBytes(file)));
        r.readHeader();
        for (long b = r.interval(); b < r.sourceSize(); b += r.interval()) {
            assertThat(r.beaconAt(b).markers()).as("beacon at %d", b).allSatisfy(m -> assertThat(m.shard()).isZero());
        }
        return file;
    }

    private List<Message> readAll(Streamer s) {
        try (Consumer all = s.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                .with(FileOptions.LIVE, false))) {
            List<Message> everything = new ArrayList<>();
            assertThatThrownBy(() -> {
                while (true) {
                    everything.add(all.next());
                }
            }).isInstanceOf(StreamException.class);
            return everything;
        }
    }

    @Test
    void rewindWithSeekScanFindsAShardThatNoBeaconLists() throws IOException {
        Path file = writeShortSession();
        try (Streamer s = connect(file, Clock.systemUTC());
                Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                        .with(FileOptions.LIVE, false).with(FileOptions.SEEK_SCAN, true))) {
            c.rewind(SeqPos.at(SeqNo.of(200)));
            List<String> read = readToEnd(c);
            assertThat(read.stream().filter(x -> x.startsWith("2/")).toList())
                    .containsExactlyElementsOf(expected(2, 200, 250));
            assertThat(read.stream().filter(x -> x.startsWith("0/")).toList())
                    .containsExactlyElementsOf(expected(0, 200, 400));
        }
    }

    @Test
    void seekWithSeekScanFindsAShardThatNoBeaconLists() throws IOException {
        Path file = writeShortSession();
        try (Streamer s = connect(file, Clock.systemUTC());
                Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                        .with(FileOptions.LIVE, false).with("file.seek-scan", "true"))) {
            List<Message> everything = readAll(s);
            Instant t = everything.stream().filter(m -> m.shard().id() == 0 && m.seq().value() == 250)
                    .findFirst().orElseThrow().timestamp();
            List<String> expected = everything.stream().filter(m -> !m.timestamp().isBefore(t))
                    .map(m -> m.shard().id() + "/" + m.seq().value()).toList();
            assertThat(expected).contains("2/1", "2/250", "0/250", "0/400").doesNotContain("0/249");
            c.seek(t);
            assertThat(readToEnd(c)).containsExactlyElementsOf(expected);
        }
    }

    /**
     * Without file.seek-scan a key-wide rewind is the beacons' binary search: exact for every shard a
     * beacon lists, while the messages of a shard no beacon lists that lie before the beacons' start are
     * passed over (the documented price of a seek that reads a few beacons instead of the file).
     */
    @Test
    void rewindWithoutSeekScanFollowsTheBeaconsOnly() throws IOException {
        Path file = writeShortSession();
        try (Streamer s = connect(file, Clock.systemUTC());
                Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                        .with(FileOptions.LIVE, false))) {
            c.rewind(SeqPos.at(SeqNo.of(200)));
            List<String> read = readToEnd(c);
            assertThat(read.stream().filter(x -> x.startsWith("0/")).toList())
                    .containsExactlyElementsOf(expected(0, 200, 400));
            assertThat(read).noneMatch(x -> x.startsWith("2/"));
        }
    }
}
