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
    public static final int TORN = 2;
    /** Exit status: bytes before the end of the file do not follow the format. */
    public static final int CORRUPT = 3;

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
}
