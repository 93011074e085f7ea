package dev.tide.file;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code .ss} file tools behind {@code tide decode}, {@code tail}, {@code verify} and {@code repair}.
 * Each entry point writes its normal output to {@code out}, problems as one line each to {@code err},
 * and returns the process exit status ({@link #OK}, {@link #FAILED}, {@link #TORN}, {@link #CORRUPT}).
 * The methods are thread-safe (they share nothing); each blocks the calling thread while it reads or
 * writes the file.
 */
public final class FileTools {

    /** Exit status: done, the file is sound (a decode of a torn file also returns this, as ss-decode does). */
    public static final int OK = 0;
    /** Exit status: the file could not be read or written (missing, not permitted, I/O error). */
    public static final int FAILED = 1;
    /** Exit status: the file ends inside a frame, as a crash while writing leaves it; {@code repair} fixes it. */
    public static final int TORN = 3;
    /** Exit status: bytes before the end of the file do not follow the format. */
    public static final int CORRUPT = 4;

    /** The output formats of {@link #decode}: those of SeaStreamer's {@code ss-decode}. */
    public enum Format {
        /** {@code [timestamp | key | seq | shard] payload}, comments starting with {@code #}. */
        LOG,
        /** One JSON object per message, comments as {@code /* … *}{@code /}. */
        NDJSON
    }

    private FileTools() {
    }

    /**
     * Prints a {@code .ss} file exactly as SeaStreamer's {@code ss-decode --file F [--format log|ndjson]
     * [--header-only]} does: the header, every message up to the end or the end-of-stream marker, and
     * the markers of each beacon crossed. Blocks while reading.
     *
     * @param file the file
     * @param format log or ndjson
     * @param headerOnly leave the payloads out
     * @param out where the decoded text goes (bytes as ss-decode prints them)
     * @param err where a problem is reported, as one line naming the byte offset
     * @return {@link #OK} (also for a torn tail, which is reported on {@code err}), {@link #CORRUPT} when
     *     the bytes stop following the format (everything before is printed), {@link #FAILED} on an I/O
     *     error
     */
    public static int decode(Path file, Format format, boolean headerOnly, PrintStream out, PrintStream err) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            OutputStream o = new BufferedOutputStream(out, 1 << 16);
            try {
                return decode(ByteSource.of(ch), format, headerOnly, o, err, file.toString());
            } finally {
                o.flush();
            }
        } catch (NoSuchFileException e) {
            err.println("tide decode: no such file: " + file);
            return FAILED;
        } catch (IOException e) {
            err.println("tide decode: cannot read " + file + ": " + e);
            return FAILED;
        }
    }

    static int decode(ByteSource src, Format format, boolean headerOnly, OutputStream out, PrintStream err, String name)
            throws IOException {
        SsReader r = new SsReader(src);
        Decoder d = new Decoder(format, headerOnly);
        try {
            SsReader.Status s = r.readHeader();
            if (s != SsReader.Status.FRAME) {
                err.println("tide decode: " + name + ": not a .ss file: it is shorter than the 128-byte header");
                return CORRUPT;
            }
            d.header(r.header(), out);
            while (true) {
                s = r.next();
                if (s == SsReader.Status.END) {
                    return OK;
                }
                if (s == SsReader.Status.TORN) {
                    err.println("tide decode: " + name + ": warning: the file ends inside the frame at byte offset "
                            + r.position() + " (truncated?)");
                    return OK;
                }
                d.frame(r, out);
                if (r.isEos()) {
                    return OK;
                }
            }
        } catch (SsFormatException e) {
            out.flush();
            err.println("tide decode: " + name + ": corrupt " + e.getMessage());
            return CORRUPT;
        }
    }

    /**
     * Checks every frame, checksum and beacon of a file and reports the first problem with its byte
     * offset (marker contents that differ from the frames are listed as warnings). Blocks while reading.
     *
     * @param file the file
     * @param out the report
     * @return {@link #OK} when clean, {@link #TORN} when only the end is an incomplete frame (or zero
     *     bytes) as a crash leaves it, {@link #CORRUPT} when bytes before the end are damaged,
     *     {@link #FAILED} if the file cannot be read
     */
    public static int verify(Path file, PrintStream out) {
        Verifier.Report rep;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            rep = Verifier.verify(ByteSource.of(ch));
        } catch (NoSuchFileException e) {
            out.println("tide verify: no such file: " + file);
            return FAILED;
        } catch (IOException e) {
            out.println("tide verify: cannot read " + file + ": " + e);
            return FAILED;
        }
        for (String w : rep.warnings()) {
            out.println(file + ": warning: " + w);
        }
        switch (rep.verdict()) {
            case CLEAN -> {
                out.println(file + ": ok: " + rep.messages() + " messages, " + rep.beacons() + " beacons, "
                        + (rep.eos() ? "ends with the end-of-stream marker" : "no end-of-stream marker (open for appending)"));
                return OK;
            }
            case TORN -> {
                out.println(file + ": torn tail at byte offset " + rep.problemOffset() + ": " + rep.problem() + "; the "
                        + rep.messages() + " messages before it are intact; `tide repair --file " + file + "` cuts the last "
                        + (rep.size() - rep.goodEnd()) + " bytes");
                return TORN;
            }
            default -> {
                out.println(file + ": corrupt at byte offset " + rep.problemOffset() + ": " + rep.problem()
                        + (rep.header() == null ? "" : "; the " + rep.messages() + " messages before it are intact"));
                return CORRUPT;
            }
        }
    }

    /**
     * Repairs a file: cuts a torn tail (what a crash while writing leaves) back to the end of the last
     * complete frame, keeping every complete message. Damage before the end is refused unless
     * {@code salvage}: then every frame that still reads whole (resynchronising after each damaged
     * stretch) is written to a new file with the same header, which replaces the old one atomically.
     * Blocks while reading and writing; do not run it while a writer has the file open.
     *
     * @param file the file
     * @param salvage rewrite a file damaged in the middle, dropping what cannot be read
     * @param out what was done
     * @return {@link #OK} when the file is (now) sound, {@link #CORRUPT} when it is damaged and
     *     {@code salvage} was not given (or the header is damaged), {@link #FAILED} on an I/O error
     */
    public static int repair(Path file, boolean salvage, PrintStream out) {
        try {
            Verifier.Report rep;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                rep = Verifier.verify(ByteSource.of(ch));
                if (rep.verdict() == Verifier.Verdict.CLEAN) {
                    out.println(file + ": nothing to repair (" + rep.messages() + " messages)");
                    return OK;
                }
                if (rep.verdict() == Verifier.Verdict.TORN) {
                    ch.truncate(rep.goodEnd());
                    ch.force(true);
                    out.println(file + ": cut " + (rep.size() - rep.goodEnd()) + " bytes of an incomplete frame at byte offset "
                            + rep.goodEnd() + "; kept " + rep.messages() + " messages");
                    return OK;
                }
            }
            if (rep.header() == null) {
                out.println(file + ": cannot repair: the header is damaged (byte offset " + rep.problemOffset() + ": "
                        + rep.problem() + ")");
                return CORRUPT;
            }
            if (!salvage) {
                out.println(file + ": refusing to repair: the file is damaged at byte offset " + rep.problemOffset() + " ("
                        + rep.problem() + "), before its end; --salvage rewrites it with every message that still reads");
                return CORRUPT;
            }
            return salvage(file, rep.header(), out);
        } catch (NoSuchFileException e) {
            out.println("tide repair: no such file: " + file);
            return FAILED;
        } catch (IOException e) {
            out.println("tide repair: cannot repair " + file + ": " + e);
            return FAILED;
        }
    }

    private static int salvage(Path file, FileHeader header, PrintStream out) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".salvage.tmp");
        long[] kept = {0};
        java.util.List<Long> skipped;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                FileChannel o = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            Bytes buf = new Bytes(1 << 16);
            buf.put(header.encode());
            SsEncoder enc = new SsEncoder(header.beaconInterval(), Layout.HEADER_SIZE);
            enc.begin(buf);
            long[] at = {0};
            skipped = Verifier.salvage(ByteSource.of(in), r -> {
                enc.append(buf, new StreamShard(r.key(), r.shard()), r.seq(), r.timestamp(), r.payloadArray(),
                        r.payloadOffset(), r.payloadLength());
                kept[0]++;
                if (buf.length() > 1 << 20) {
                    at[0] += writeAll(o, buf, at[0]);
                }
            });
            at[0] += writeAll(o, buf, at[0]);
            o.force(true);
        }
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        out.println(file + ": salvaged " + kept[0] + " messages; skipped damaged bytes from byte offset"
                + (skipped.size() == 1 ? " " : "s ") + skipped);
        return OK;
    }

    private static long writeAll(FileChannel ch, Bytes buf, long at) throws IOException {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf.array(), 0, buf.length());
        long p = at;
        while (bb.hasRemaining()) {
            p += ch.write(bb, p);
        }
        long n = buf.length();
        buf.clear();
        return n;
    }

    /**
     * Follows a file like {@code tail -f}, printing each message as a {@code log} line of
     * {@link #decode} (without beacon lines), from the end (or the start) until the end-of-stream marker
     * or until the calling thread is interrupted. Polls the file size with a backoff of 1 to 20 ms.
     *
     * @param file the file
     * @param fromStart print the messages already there first
     * @param out the lines
     * @param err a problem, as one line
     * @return {@link #OK} at the end of the stream or on interruption (the interrupt flag stays set),
     *     {@link #CORRUPT} if the file is damaged, {@link #FAILED} on an I/O error
     */
    public static int tail(Path file, boolean fromStart, PrintStream out, PrintStream err) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            SsReader r = new SsReader(ByteSource.of(ch));
            long backoff = 1_000_000L;
            while (r.readHeader() != SsReader.Status.FRAME) {
                if (!pause(backoff)) {
                    return OK;
                }
                backoff = Math.min(backoff * 2, 20_000_000L);
            }
            if (!fromStart) {
                r.position(Survey.tail(r).appendPoint());
            }
            Decoder d = new Decoder(Format.LOG, false);
            while (true) {
                SsReader.Status s = r.next();
                if (s == SsReader.Status.FRAME) {
                    backoff = 1_000_000L;
                    d.line(r, out);
                    out.flush();
                    if (r.isEos()) {
                        return OK;
                    }
                    continue;
                }
                if (!pause(backoff)) {
                    return OK;
                }
                backoff = Math.min(backoff * 2, 20_000_000L);
            }
        } catch (SsFormatException e) {
            err.println("tide tail: " + file + ": corrupt " + e.getMessage());
            return CORRUPT;
        } catch (NoSuchFileException e) {
            err.println("tide tail: no such file: " + file);
            return FAILED;
        } catch (IOException e) {
            err.println("tide tail: cannot read " + file + ": " + e);
            return FAILED;
        }
    }

    private static boolean pause(long nanos) {
        java.util.concurrent.locks.LockSupport.parkNanos(nanos);
        return !Thread.currentThread().isInterrupted();
    }
}
