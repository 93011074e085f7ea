package dev.tide.bench;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import dev.tide.file.FileOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Throughput of the {@code file://} backend (issue 5), next to a plain {@link FileChannel} doing the same
 * I/O in the same run.
 *
 * <p>Workloads: (1) SeaStreamer's benchmark, 100,000 messages of 256 B produced, then consumed;
 * (2) 10,000,000 messages of 100 B written, then read back. Contestants, alternating in each round:
 * <ul>
 *   <li><b>tide write</b>: one producer, {@code send(payload)} for every message (receipt futures not
 *       awaited one by one), then {@code flush()} — every frame handed to the operating system;</li>
 *   <li><b>raw FileChannel write</b>: the same {@code .ss} frames (key, shard, sequence, timestamp, length,
 *       payload, checksum, {@code 0x0D}; the checksum computed once since the payload never changes) encoded
 *       into a 1 MiB buffer that is written whenever it is full; no beacons: the I/O ceiling;</li>
 *   <li><b>raw FileChannel write + CRC</b>: the same, computing each frame's CRC-16 (sixteen bytes per step,
 *       as tide-file does): the least any writer of the format does;</li>
 *   <li><b>raw FileChannel, one write per frame</b>: a naive append, one {@code write} call per frame;</li>
 *   <li><b>tide read</b>: a REAL_TIME consumer from EARLIEST with {@code file.live=false}, {@code next()} for
 *       every message, timed from creating the consumer to the last message;</li>
 *   <li><b>raw FileChannel read</b>: 1 MiB reads of the raw file, walking its frames (with and without
 *       checking each frame's CRC-16).</li>
 * </ul>
 * Neither side forces the file to disk inside the timed part (Tide's producer does on close); with
 * enough memory, the reads come from the page cache. Before each timed write the benchmark runs
 * {@code sync} (outside the clock), so every writer starts with no dirty pages left by the one before.
 *
 * <p>Run: {@code java -cp tide-bench/target/benchmarks.jar dev.tide.bench.FileThroughput
 * [--messages 10000000] [--size 100] [--rounds 3] [--warmup 1] [--dir /tmp]}.
 */
public final class FileThroughput {

    private static final String KEY = "bench";
    private static final byte[] KEY_BYTES = KEY.getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 128;
    private static final int CHUNK = 1 << 20;

    private FileThroughput() {
    }

    /**
     * Runs both workloads and prints their tables.
     *
     * @param args {@code --name value} options, see the class comment
     */
    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        long messages = a.longValue("messages", 10_000_000);
        int size = a.integer("size", 100);
        int rounds = a.integer("rounds", 3);
        int warmup = a.integer("warmup", 1);
        long seaMessages = a.longValue("sea-messages", 100_000);
        int seaRounds = a.integer("sea-rounds", 5);
        Path dir = Files.createTempDirectory(Path.of(a.string("dir", System.getProperty("java.io.tmpdir"))), "tide-bench-file");

        System.out.println("# File backend throughput\n");
        System.out.print(Machine.describe());
        System.out.println("- files in: " + dir + "\n");
        try {
            Results seaWrite = new Results("SeaStreamer's workload, produce", seaMessages, 256);
            Results seaRead = new Results("SeaStreamer's workload, consume", seaMessages, 256);
            workload(dir, seaMessages, 256, 2, seaRounds, seaWrite, seaRead);

            Results write = new Results("Write", messages, size);
            Results read = new Results("Read back", messages, size);
            workload(dir, messages, size, warmup, rounds, write, read);

            System.out.println();
            System.out.println(seaWrite.table());
            System.out.println(seaRead.table());
            System.out.println(write.table());
            System.out.println(read.table());
            System.out.println("Targets:");
            System.out.print(write.atLeast(TIDE_WRITE, 1_000_000));
            System.out.print(write.ratio(TIDE_WRITE, RAW_WRITE, 0.5));
            System.out.print(write.ratio(TIDE_WRITE, RAW_WRITE_CRC, 0.5));
            System.out.print(write.ratio(TIDE_WRITE, RAW_WRITE_EACH, 0.5));
            System.out.print(read.atLeast(TIDE_READ, 2_000_000));
        } finally {
            deleteTree(dir);
        }
    }

    private static final String TIDE_WRITE = "tide producer";
    private static final String RAW_WRITE = "raw FileChannel write";
    private static final String RAW_WRITE_CRC = "raw FileChannel write + CRC";
    private static final String RAW_WRITE_EACH = "raw FileChannel, one write per frame";
    private static final String TIDE_READ = "tide consumer";
    private static final String RAW_READ = "raw FileChannel read";
    private static final String RAW_READ_CRC = "raw FileChannel read + CRC check";

    private static void workload(Path dir, long messages, int size, int warmup, int rounds, Results write, Results read)
            throws Exception {
        write.contestant(TIDE_WRITE, "send() each, then flush()")
                .contestant(RAW_WRITE, "same frames, no beacons, 1 MiB writes; CRC computed once")
                .contestant(RAW_WRITE_CRC, "as above, CRC-16 computed for each frame")
                .contestant(RAW_WRITE_EACH, "same frames, one write() call each");
        read.contestant(TIDE_READ, "REAL_TIME from EARLIEST, file.live=false, next() each")
                .contestant(RAW_READ, "1 MiB reads, walks the frames")
                .contestant(RAW_READ_CRC, "as above, checks each frame's CRC-16");
        byte[] payload = payload(size);
        Path tideFile = dir.resolve("tide.ss");
        Path rawFile = dir.resolve("raw.ss");
        List<Rounds.Contestant> contestants = List.of(
                new Rounds.Contestant(TIDE_WRITE, record -> {
                    Files.deleteIfExists(tideFile);
                    settle();
                    long t = tideWrite(tideFile, messages, payload);
                    if (record) {
                        write.addRun(TIDE_WRITE, t);
                    }
                    t = tideRead(tideFile, messages, size);
                    if (record) {
                        read.addRun(TIDE_READ, t);
                    }
                    Files.deleteIfExists(tideFile);
                }),
                new Rounds.Contestant(RAW_WRITE, record -> {
                    Files.deleteIfExists(rawFile);
                    settle();
                    long t = rawWrite(rawFile, messages, payload, false, false);
                    if (record) {
                        write.addRun(RAW_WRITE, t);
                    }
                    t = rawRead(rawFile, messages, size, false);
                    if (record) {
                        read.addRun(RAW_READ, t);
                    }
                    Files.deleteIfExists(rawFile);
                }),
                new Rounds.Contestant(RAW_WRITE_CRC, record -> {
                    Files.deleteIfExists(rawFile);
                    settle();
                    long t = rawWrite(rawFile, messages, payload, true, false);
                    if (record) {
                        write.addRun(RAW_WRITE_CRC, t);
                    }
                    t = rawRead(rawFile, messages, size, true);
                    if (record) {
                        read.addRun(RAW_READ_CRC, t);
                    }
                    Files.deleteIfExists(rawFile);
                }),
                new Rounds.Contestant(RAW_WRITE_EACH, record -> {
                    Files.deleteIfExists(rawFile);
                    settle();
                    long t = rawWrite(rawFile, messages, payload, false, true);
                    if (record) {
                        write.addRun(RAW_WRITE_EACH, t);
                    }
                    Files.deleteIfExists(rawFile);
                }));
        Rounds.run(String.format(java.util.Locale.ROOT, "%,d × %d B", messages, size), warmup, rounds, contestants);
    }

    /**
     * Before each timed write: asks the kernel to write back every dirty page (the {@code sync} command,
     * outside the clock), so that no contestant pays for the write-back of the files written before it.
     * Without it, a contestant's rate depended on its place in the round: the same writer measured
     * 3.4M to 15M msg/s.
     */
    private static void settle() {
        try {
            new ProcessBuilder("sync").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        } catch (java.io.IOException e) {
            // no sync command (not Linux/Unix): run unsettled
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] payload(int size) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) ('a' + i % 26);
        }
        return p;
    }

    private static String uri(Path file) {
        return "file://" + file.toAbsolutePath() + "/" + KEY;
    }

    static long tideWrite(Path file, long messages, byte[] payload) {
        ConnectOptions options = ConnectOptions.defaults().with(FileOptions.CREATE, FileOptions.CreateMode.ONLY);
        try (Streamer streamer = Streamer.connect(uri(file), options)) {
            Producer producer = streamer.producer();
            long t0 = System.nanoTime();
            for (long i = 0; i < messages; i++) {
                producer.send(payload);
            }
            producer.flush();
            long t = System.nanoTime() - t0;
            producer.close();
            return t;
        }
    }

    static long tideRead(Path file, long messages, int size) {
        try (Streamer streamer = Streamer.connect(uri(file))) {
            long t0 = System.nanoTime();
            Consumer consumer = streamer.consumer(ConsumerOptions.realTime().reset(StreamReset.EARLIEST)
                    .with(FileOptions.LIVE, false));
            long bytes = 0;
            long last = 0;
            for (long i = 0; i < messages; i++) {
                Message m = consumer.next();
                bytes += m.size();
                last = m.seq().value();
            }
            long t = System.nanoTime() - t0;
            consumer.close();
            check(bytes == messages * size && last == messages, "tide read " + messages + " messages, " + bytes
                    + " bytes, last seq " + last);
            return t;
        }
    }

    static long rawWrite(Path file, long messages, byte[] payload, boolean crcEach, boolean writeEach) throws IOException {
        int once = Crc.of(payload, 0, payload.length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long t0 = System.nanoTime();
            ByteBuffer b = ByteBuffer.allocate(CHUNK);
            b.put(new byte[] {0x53, 0x73, 0x01});
            b.position(HEADER);
            int frame = 1 + KEY_BYTES.length + 8 + 8 + 8 + 4 + payload.length + 2 + 1;
            for (long i = 1; i <= messages; i++) {
                if (b.remaining() < frame || (writeEach && b.position() > 0)) {
                    b.flip();
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    b.clear();
                }
                b.put((byte) KEY_BYTES.length).put(KEY_BYTES).putLong(0).putLong(i).putLong(System.currentTimeMillis())
                        .putInt(payload.length).put(payload);
                int crc = crcEach ? Crc.of(b.array(), b.position() - payload.length, payload.length) : once;
                b.putShort((short) crc).put((byte) 0x0D);
            }
            b.flip();
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return System.nanoTime() - t0;
        }
    }

    static long rawRead(Path file, long messages, int size, boolean crcCheck) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long t0 = System.nanoTime();
            ByteBuffer b = ByteBuffer.allocate(CHUNK);
            b.flip();
            fill(ch, b, HEADER);
            b.position(b.position() + HEADER);
            long bytes = 0;
            long last = 0;
            for (long i = 0; i < messages; i++) {
                fill(ch, b, 1);
                int keyLength = b.get() & 0xFF;
                fill(ch, b, keyLength + 28);
                b.position(b.position() + keyLength + 8);
                last = b.getLong();
                b.position(b.position() + 8);
                int length = b.getInt();
                fill(ch, b, length + 3);
                if (crcCheck) {
                    int at = b.position();
                    int stored = b.getShort(at + length) & 0xFFFF;
                    if (Crc.of(b.array(), at, length) != stored) {
                        throw new IOException("checksum mismatch in the frame of seq " + last);
                    }
                }
                b.position(b.position() + length + 3);
                bytes += length;
            }
            long t = System.nanoTime() - t0;
            check(bytes == messages * size && last == messages, "raw read " + messages + " messages, " + bytes
                    + " bytes, last seq " + last);
            return t;
        }
    }

    /** Makes at least {@code n} bytes available in {@code b} (in read mode). */
    private static void fill(FileChannel ch, ByteBuffer b, int n) throws IOException {
        if (b.remaining() >= n) {
            return;
        }
        b.compact();
        while (b.position() < n) {
            if (ch.read(b) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        b.flip();
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("wrong result: " + what);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * CRC-16/CDMA2000 (poly 0xC867, init 0xFFFF, no reflection, xorout 0), the .ss payload checksum, sixteen
     * bytes per step read as two big-endian longs, over sixteen 256-entry tables in one int array, the
     * entries that do not depend on the register xored first (the technique tide-file uses).
     */
    static final class Crc {

        private static final int[] T = new int[16 * 256];
        private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
                long[].class, java.nio.ByteOrder.BIG_ENDIAN);

        static {
            for (int v = 0; v < 256; v++) {
                int c = v << 8;
                for (int bit = 0; bit < 8; bit++) {
                    c = (c & 0x8000) != 0 ? (c << 1) ^ 0xC867 : c << 1;
                }
                T[v] = c & 0xFFFF;
            }
            for (int k = 1; k < 16; k++) {
                for (int v = 0; v < 256; v++) {
                    int c = T[256 * (k - 1) + v];
                    T[256 * k + v] = ((c << 8) ^ T[c >>> 8]) & 0xFFFF;
                }
            }
            int check = of("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9);
            int check2 = of("hello, world".getBytes(StandardCharsets.US_ASCII), 0, 12);
            if (check != 0x4C06 || check2 != 0x8028) {
                throw new AssertionError("CRC-16/CDMA2000 check values are " + Integer.toHexString(check) + ", "
                        + Integer.toHexString(check2) + ", not 4c06, 8028");
            }
        }

        private Crc() {
        }

        static int of(byte[] b, int off, int len) {
            int c = 0xFFFF;
            int i = off;
            int end = off + len;
            int[] t = T;
            for (; end - i >= 16; i += 16) {
                long w = (long) LONG.get(b, i);
                long v = (long) LONG.get(b, i + 8);
                int rest = ((t[13 * 256 + (int) ((w >>> 40) & 0xFF)] ^ t[12 * 256 + (int) ((w >>> 32) & 0xFF)])
                        ^ (t[11 * 256 + (int) ((w >>> 24) & 0xFF)] ^ t[10 * 256 + (int) ((w >>> 16) & 0xFF)])
                        ^ (t[9 * 256 + (int) ((w >>> 8) & 0xFF)] ^ t[8 * 256 + (int) (w & 0xFF)]))
                        ^ (((t[7 * 256 + (int) (v >>> 56)] ^ t[6 * 256 + (int) ((v >>> 48) & 0xFF)])
                        ^ (t[5 * 256 + (int) ((v >>> 40) & 0xFF)] ^ t[4 * 256 + (int) ((v >>> 32) & 0xFF)]))
                        ^ ((t[3 * 256 + (int) ((v >>> 24) & 0xFF)] ^ t[2 * 256 + (int) ((v >>> 16) & 0xFF)])
                        ^ (t[256 + (int) ((v >>> 8) & 0xFF)] ^ t[(int) (v & 0xFF)])));
                int head = (int) (w >>> 48) ^ c;
                c = rest ^ (t[15 * 256 + (head >>> 8)] ^ t[14 * 256 + (head & 0xFF)]);
            }
            for (; i < end; i++) {
                c = ((c << 8) ^ t[((c >>> 8) ^ b[i]) & 0xFF]) & 0xFFFF;
            }
            return c;
        }
    }
}
