package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared writer's failure handling, and receipt callbacks that flush or close. */
class FileWriterTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final StreamKey A = StreamKey.of("a");

    @TempDir
    Path dir;

    private Streamer connect(Path file, ConnectOptions options) {
        return Streamer.connect("file://" + file + "/a",
                options.with(FileOptions.CREATE, FileOptions.CreateMode.IF_MISSING));
    }

    /** The payloads and seqs of every frame of a file (internal ones by their key). */
    private static List<String> frames(Path file) throws IOException {
        SsReader r = new SsReader(ByteSource.of(Files.readAllBytes(file)));
        List<String> out = new ArrayList<>();
        while (r.next() == SsReader.Status.FRAME) {
            out.add(r.isEos() ? "EOS" : r.seq() + ":" + new String(r.payloadCopy(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static <T> T await(CompletableFuture<T> f) {
        return f.orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
    }

    /**
     * The writer thread computes the payload checksums and the beacons' running checksums of whole batches
     * (placeholders until then): a file streamed by several threads to several streams and shards, with
     * 1 KiB beacons cutting frames everywhere and receipt callbacks that flush (batches written inline),
     * is byte for byte what the plain encoder writes for the same frames.
     */
    @Test
    void checksumsComputedByTheWriterThreadGiveTheSameBytesAsThePlainEncoder() throws Exception {
        Path file = dir.resolve("checksums.ss");
        try (Streamer s = connect(file, ConnectOptions.defaults().with(FileOptions.BEACON_INTERVAL, 1024))) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int id = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    Producer p = s.producer(ProducerOptions.defaults());
                    List<CompletableFuture<Receipt>> receipts = new ArrayList<>();
                    for (int i = 0; i < 3000; i++) {
                        byte[] payload = ("t" + id + "-" + i + "-" + "y".repeat((i * 31 + id * 7) % 700))
                                .getBytes(StandardCharsets.US_ASCII);
                        CompletableFuture<Receipt> f = p.send(StreamKey.of("k" + (i % 4)), ShardId.of(i % 3), payload);
                        if (i % 500 == 499) {
                            f = f.thenApply(r -> {
                                p.flush();
                                return r;
                            });
                        }
                        receipts.add(f);
                    }
                    receipts.forEach(FileWriterTest::await);
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        assertThat(Vectors.encode(Vectors.header(bytes), Vectors.frames(bytes))).isEqualTo(bytes);
        Verifier.Report report = Verifier.verify(ByteSource.of(bytes));
        assertThat(report.verdict()).isEqualTo(Verifier.Verdict.CLEAN);
        assertThat(report.warnings()).isEmpty();
        assertThat(report.messages()).isEqualTo(9000);
    }

    @Test
    void aFailedWriteFailsItsReceiptsAndEveryLaterSendAndNothingIsWrittenAtAStaleOffset() throws Exception {
        Path file = dir.resolve("fail.ss");
        connect(file, ConnectOptions.defaults().with(FileOptions.BEACON_INTERVAL, 1024)).close();
        byte[] head = Arrays.copyOf(Files.readAllBytes(file), Layout.HEADER_SIZE);
        SharedFile shared = SharedFile.acquire(file.toRealPath(), FileHeader.decode(head));
        FailingChannel[] channel = new FailingChannel[1];
        FileWriter writer = new FileWriter(shared, Clock.systemUTC(), Long.MAX_VALUE,
                p -> channel[0] = new FailingChannel(FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)));
        try {
            FileWriter.Stream stream = writer.stream(A, ShardId.ZERO);
            byte[] payload = "x".repeat(100).getBytes(StandardCharsets.US_ASCII);
            List<CompletableFuture<Receipt>> good = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                good.add(writer.send(stream, payload));
            }
            writer.flush();
            for (CompletableFuture<Receipt> f : good) {
                assertThat(f).isCompleted();
            }

            channel[0].armed = true;
            List<CompletableFuture<Receipt>> lost = new ArrayList<>();
            lost.add(writer.send(stream, payload)); // the writer takes it and blocks in the failing write
            await(channel[0].entered);
            for (int i = 0; i < 40; i++) { // encoded while the write that will fail is under way
                lost.add(writer.send(stream, payload));
            }
            channel[0].release.complete(null);
            for (CompletableFuture<Receipt> f : lost) {
                assertThatThrownBy(() -> await(f)).hasCauseInstanceOf(StreamException.class)
                        .hasMessageContaining("cannot write");
            }
            assertThatThrownBy(() -> await(writer.send(stream, payload)))
                    .hasCauseInstanceOf(StreamException.class).hasMessageContaining("no space left (test)");
            assertThatThrownBy(writer::flush).isInstanceOfSatisfying(StreamException.class,
                    e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.IO));
        } finally {
            writer.close();
            shared.release();
        }
        assertThat(Verifier.verify(ByteSource.of(Files.readAllBytes(file))).verdict()).isEqualTo(Verifier.Verdict.CLEAN);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            expected.add(i + ":" + "x".repeat(100));
        }
        assertThat(frames(file)).containsExactlyElementsOf(expected);
    }

    @Test
    void closingTheProducerFromAReceiptCallbackDoesNotDeadlock() throws Exception {
        Path file = dir.resolve("close.ss");
        try (Streamer s = connect(file, ConnectOptions.defaults())) {
            Producer p = s.producer(A, ProducerOptions.defaults());
            await(p.send("one").thenAccept(r -> p.close()));
            assertThatThrownBy(() -> p.send("late")).isInstanceOfSatisfying(StreamException.class,
                    e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CLOSED));
            Producer q = s.producer(A, ProducerOptions.defaults());
            assertThat(await(q.send("two")).seq().value()).isEqualTo(2);
            q.flush();
        }
        assertThat(frames(file)).containsExactly("1:one", "2:two");
    }

    @Test
    void flushFromAReceiptCallbackWritesWhatWasSentBeforeIt() throws Exception {
        Path file = dir.resolve("flush.ss");
        try (Streamer s = connect(file, ConnectOptions.defaults())) {
            Producer p = s.producer(A, ProducerOptions.defaults());
            CompletableFuture<List<String>> seen = new CompletableFuture<>();
            CompletableFuture<Receipt> two = new CompletableFuture<>();
            p.send("one").thenAccept(r -> {
                try {
                    p.send("two").whenComplete((ok, e) -> two.complete(ok));
                    p.flush();
                    seen.complete(frames(file));
                } catch (Throwable t) {
                    seen.completeExceptionally(t);
                }
            });
            assertThat(await(seen)).containsExactly("1:one", "2:two");
            assertThat(await(two).seq().value()).isEqualTo(2);
        }
    }

    @Test
    void closingTheStreamerFromAReceiptCallbackEndsTheFile() throws Exception {
        Path file = dir.resolve("streamer.ss");
        Streamer s = connect(file, ConnectOptions.defaults().with(FileOptions.END_WITH_EOS, true));
        Producer p = s.producer(A, ProducerOptions.defaults());
        CompletableFuture<Receipt> second = new CompletableFuture<>();
        await(p.send("one").thenAccept(r -> {
            p.send("two").whenComplete((ok, e) -> second.complete(ok));
            s.close();
        }));
        assertThat(await(second).seq().value()).isEqualTo(2);
        assertThat(frames(file)).containsExactly("1:one", "2:two", "EOS");
        try (Streamer again = connect(file, ConnectOptions.defaults());
                Consumer c = again.consumer(List.of(A), ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                        .with(FileOptions.LIVE, false))) {
            List<String> read = new ArrayList<>();
            assertThatThrownBy(() -> {
                while (true) {
                    Message m = c.next();
                    read.add(m.asString());
                }
            }).isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.ENDED));
            assertThat(read).containsExactly("one", "two");
        }
    }

    /** A file channel whose writes, once armed, wait for a go and then fail after writing half. */
    private static final class FailingChannel extends FileChannel {
        final FileChannel ch;
        final CompletableFuture<Void> entered = new CompletableFuture<>();
        final CompletableFuture<Void> release = new CompletableFuture<>();
        volatile boolean armed;

        FailingChannel(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (!armed) {
                return ch.write(src, position);
            }
            entered.complete(null);
            release.join();
            ByteBuffer half = src.duplicate();
            half.limit(half.position() + half.remaining() / 2);
            ch.write(half, position);
            throw new IOException("no space left (test)");
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return ch.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return ch.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            throw new IOException("the writer writes at positions");
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new IOException("the writer writes at positions");
        }

        @Override
        public long position() throws IOException {
            return ch.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            ch.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            ch.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            ch.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return ch.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return ch.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return ch.read(dst, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return ch.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return ch.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return ch.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            ch.close();
        }
    }
}
