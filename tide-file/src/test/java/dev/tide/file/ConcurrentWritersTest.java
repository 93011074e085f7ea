package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many producers on many threads share one writer while live consumers tail the file, with 1 KiB
 * beacons so that frames are cut by beacons all the time.
 *
 * <p>Every frame has the same size (one stream key, payloads of one length per round) and every beacon
 * carries one marker of that key, so where the beacons cut the frames does not depend on how the threads
 * interleave: each round's layout is fixed, and the rounds' payload lengths are chosen so that, between
 * them, beacons fall at every offset of a frame, among them exactly between a frame's header and its
 * payload. The test checks that it covered that case.
 */
class ConcurrentWritersTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final StreamKey KEY = StreamKey.of("tide-stress-threads-8"); // a 50-byte frame header
    private static final int PRODUCERS = 8;
    private static final int EACH = 150;

    @TempDir
    Path dir;

    @Test
    void liveConsumersReadEveryMessageOfManyProducerThreadsIntact() throws Exception {
        int headerOnBoundary = 0;
        int cutFrames = 0;
        for (int payload = 8; payload <= 14; payload++) {
            Path file = dir.resolve("stress-" + payload + ".ss");
            round(file, payload);
            Cuts cuts = cuts(file);
            headerOnBoundary += cuts.headerOnBoundary();
            cutFrames += cuts.cut();
        }
        assertThat(cutFrames).as("frames cut by a beacon").isGreaterThan(100);
        assertThat(headerOnBoundary).as("frames whose header ends exactly on a beacon boundary").isPositive();
    }

    private void round(Path file, int payloadLength) throws Exception {
        ConnectOptions options = ConnectOptions.defaults()
                .with(FileOptions.CREATE, FileOptions.CreateMode.IF_MISSING)
                .with(FileOptions.BEACON_INTERVAL, 1024);
        try (Streamer s = Streamer.connect("file://" + file + "/", options)) {
            Consumer latest = s.consumer(List.of(KEY), ConsumerOptions.realTime());
            Consumer earliest = s.consumer(List.of(KEY), ConsumerOptions.realTime().reset(StreamReset.EARLIEST));
            List<CompletableFuture<List<CompletableFuture<Receipt>>>> sent = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                Producer producer = s.producer(KEY, ProducerOptions.defaults());
                String prefix = "p" + p + "-";
                CompletableFuture<List<CompletableFuture<Receipt>>> done = new CompletableFuture<>();
                sent.add(done);
                Thread.ofVirtual().name("stress-producer-" + p).start(() -> {
                    try {
                        List<CompletableFuture<Receipt>> fs = new ArrayList<>();
                        for (int i = 0; i < EACH; i++) {
                            fs.add(producer.send(payload(prefix, i, payloadLength)));
                        }
                        done.complete(fs);
                    } catch (Throwable t) {
                        done.completeExceptionally(t);
                    }
                });
            }
            CompletableFuture<List<Message>> fromLatest = readAll(latest);
            CompletableFuture<List<Message>> fromEarliest = readAll(earliest);
            for (CompletableFuture<List<CompletableFuture<Receipt>>> done : sent) {
                for (CompletableFuture<Receipt> f : done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                    f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                }
            }
            check(fromLatest.get(PATIENCE.toSeconds(), TimeUnit.SECONDS), payloadLength);
            check(fromEarliest.get(PATIENCE.toSeconds(), TimeUnit.SECONDS), payloadLength);
        }
        Verifier.Report report;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            report = Verifier.verify(ByteSource.of(ch));
        }
        assertThat(report.verdict()).as("%s at %d", report.problem(), report.problemOffset())
                .isEqualTo(Verifier.Verdict.CLEAN);
        assertThat(report.messages()).isEqualTo(PRODUCERS * EACH);
    }

    /**
     * {@code flush()} returns only once every earlier send's receipt is complete, not merely once its bytes
     * are written. Each receipt's callback (run by the writer's thread while it completes a batch) holds
     * that thread until the flushing thread has either returned or is waiting: a flush that returned
     * between the write and the completion of the receipts is then always caught.
     */
    @Test
    void flushReturnsOnlyOnceEveryEarlierReceiptIsComplete() throws Exception {
        Path file = dir.resolve("flush.ss");
        try (Streamer s = Streamer.connect("file://" + file + "/", ConnectOptions.defaults()
                .with(FileOptions.CREATE, FileOptions.CreateMode.IF_MISSING))) {
            for (int round = 0; round < 20; round++) {
                Producer producer = s.producer(KEY, ProducerOptions.defaults());
                Thread test = Thread.currentThread();
                CompletableFuture<Boolean> allDoneAtReturn = new CompletableFuture<>();
                List<CompletableFuture<Receipt>> futures = new ArrayList<>();
                Thread flushing = Thread.ofVirtual().name("stress-flush").unstarted(() -> {
                    producer.flush();
                    allDoneAtReturn.complete(futures.stream().allMatch(CompletableFuture::isDone));
                });
                for (int i = 0; i < 10; i++) {
                    CompletableFuture<Receipt> f = producer.send("m" + i);
                    f.thenRun(() -> {
                        if (Thread.currentThread() != test) {
                            Awaitility.await("the flushing thread to wait or return").atMost(PATIENCE)
                                    .pollInterval(Duration.ofMillis(1))
                                    .until(() -> flushing.getState() == Thread.State.WAITING
                                            || flushing.getState() == Thread.State.TERMINATED);
                        }
                    });
                    futures.add(f);
                }
                flushing.start();
                assertThat(allDoneAtReturn.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                        .as("every receipt is complete when flush() returns (round %d)", round).isTrue();
                flushing.join();
                producer.close();
            }
        }
    }

    private static String payload(String prefix, int i, int length) {
        StringBuilder b = new StringBuilder(prefix).append(i).append('.');
        while (b.length() < length) {
            b.append('x');
        }
        return b.toString();
    }

    /** Reads on a thread of its own, as an application would; fails with the consumer's error. */
    private static CompletableFuture<List<Message>> readAll(Consumer c) {
        CompletableFuture<List<Message>> out = new CompletableFuture<>();
        Thread.ofVirtual().name("stress-consumer").start(() -> {
            try {
                List<Message> got = new ArrayList<>();
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (got.size() < PRODUCERS * EACH) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("received only " + got.size() + " of " + PRODUCERS * EACH);
                    }
                    c.poll(Duration.ofNanos(left)).ifPresent(got::add);
                }
                out.complete(got);
            } catch (Throwable t) {
                out.completeExceptionally(t);
            }
        });
        return out;
    }

    private static void check(List<Message> got, int payloadLength) {
        Set<String> seen = new HashSet<>();
        int[] next = new int[PRODUCERS];
        long seq = 1;
        for (Message m : got) {
            String text = m.asString();
            assertThat(seen.add(text)).as("duplicate %s", text).isTrue();
            assertThat(m.seq().value()).isEqualTo(seq++);
            int producer = Integer.parseInt(text.substring(1, text.indexOf('-')));
            String expected = payload("p" + producer + "-", next[producer]++, payloadLength);
            assertThat(text).isEqualTo(expected);
        }
        assertThat(next).containsOnly(EACH);
    }

    private record Cuts(int cut, int headerOnBoundary) {
    }

    /** How the beacons cut the frames of the file. */
    private static Cuts cuts(Path file) throws IOException {
        int cut = 0;
        int headerOnBoundary = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            SsReader r = new SsReader(ByteSource.of(ch));
            while (r.next() == SsReader.Status.FRAME) {
                int interval = r.interval();
                long start = r.frameStart();
                long boundary = (start / interval + 1) * interval;
                if (r.frameEnd() > boundary) {
                    cut++;
                    if (start + 1 + r.key().length() + 28 == boundary) {
                        headerOnBoundary++;
                    }
                }
            }
        }
        return new Cuts(cut, headerOnBoundary);
    }
}
