package dev.tide.bench;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import dev.tide.file.FileOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long a key-wide {@code seek(t)} takes in a large {@code .ss} file (issue 5: "a seek in a 1 GB file
 * takes milliseconds"). Writes {@code --messages} messages of {@code --size} bytes to one stream (one
 * producer, the clock ticking for real), then, for {@code --rounds} target times spread over the file
 * (the last one 90% into it), times a REAL_TIME consumer of the key seeking there and taking the first
 * message, checking that it is the first message at or after the target:
 * <ul>
 *   <li><b>first seek</b>: a fresh streamer, so the seek also surveys every beacon for the key's shards
 *       (once per open file);</li>
 *   <li><b>later seeks</b>: a new consumer of the same streamer (the survey is kept: only the binary
 *       search);</li>
 *   <li><b>with file.seek-scan=true</b>: a fresh streamer, also reading the frames before the beacons'
 *       bound for shards that no beacon lists.</li>
 * </ul>
 * Timed from creating the consumer to its first message. The file stays in the page cache (warm reads).
 *
 * <p>Run: {@code java -cp tide-bench/target/benchmarks.jar dev.tide.bench.FileSeek [--messages 10000000]
 * [--size 100] [--rounds 5] [--dir /tmp]}.
 */
public final class FileSeek {

    private static final StreamKey KEY = StreamKey.of("bench");

    private FileSeek() {
    }

    /**
     * Writes the file, then measures and prints the seeks.
     *
     * @param args {@code --name value} options, see the class comment
     */
    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        long messages = a.longValue("messages", 10_000_000);
        int size = a.integer("size", 100);
        int rounds = a.integer("rounds", 5);
        Path dir = Files.createTempDirectory(Path.of(a.string("dir", System.getProperty("java.io.tmpdir"))), "tide-seek");
        Path file = dir.resolve("seek.ss");
        String uri = "file://" + file.toAbsolutePath() + "/" + KEY.name();
        try {
            System.out.println("# File seek\n");
            System.out.print(Machine.describe());
            long[] stamps = write(uri, messages, size);
            System.out.printf(Locale.ROOT, "- file: %,d messages x %d B, %,d bytes, timestamps %d..%d ms%n%n", messages,
                    size, Files.size(file), stamps[0], stamps[1]);
            List<long[]> rows = new ArrayList<>();
            for (int i = 1; i <= rounds; i++) {
                long target = stamps[0] + (stamps[1] - stamps[0]) * (90L * i / rounds) / 100;
                long first;
                long later;
                try (Streamer s = Streamer.connect(uri)) {
                    first = seek(s, ConsumerOptions.realTime(), target);
                    later = seek(s, ConsumerOptions.realTime(), target);
                }
                long scan;
                try (Streamer s = Streamer.connect(uri)) {
                    scan = seek(s, ConsumerOptions.realTime().with(FileOptions.SEEK_SCAN, true), target);
                }
                rows.add(new long[] {90L * i / rounds, first, later, scan});
            }
            System.out.println("| target (% into the file) | first seek (ms) | later seek (ms) | file.seek-scan=true (ms) |");
            System.out.println("|---:|---:|---:|---:|");
            for (long[] r : rows) {
                System.out.printf(Locale.ROOT, "| %d | %.1f | %.2f | %.1f |%n", r[0], r[1] / 1e6, r[2] / 1e6, r[3] / 1e6);
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /** Writes the messages; returns the first and last timestamps (ms). */
    private static long[] write(String uri, long messages, int size) {
        byte[] payload = new byte[size];
        try (Streamer s = Streamer.connect(uri, ConnectOptions.defaults().with(FileOptions.CREATE, FileOptions.CreateMode.ONLY))) {
            Producer p = s.producer();
            long firstTs = p.send(payload).join().timestamp().toEpochMilli();
            for (long i = 1; i < messages - 1; i++) {
                p.send(payload);
            }
            long lastTs = p.send(payload).join().timestamp().toEpochMilli();
            p.flush();
            p.close();
            return new long[] {firstTs, lastTs};
        }
    }

    /** Seeks a new consumer to {@code targetMs}, takes one message, checks it; returns the nanoseconds taken. */
    private static long seek(Streamer s, ConsumerOptions options, long targetMs) {
        long t0 = System.nanoTime();
        try (Consumer c = s.consumer(List.of(KEY), options.reset(StreamReset.EARLIEST).with(FileOptions.LIVE, false))) {
            c.seek(Instant.ofEpochMilli(targetMs));
            Message m = c.next();
            long t = System.nanoTime() - t0;
            long ts = m.timestamp().toEpochMilli();
            if (ts < targetMs) {
                throw new IllegalStateException("seek to " + targetMs + " gave a message of " + ts);
            }
            return t;
        }
    }
}
