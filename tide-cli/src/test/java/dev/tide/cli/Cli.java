package dev.tide.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Runs the tide command line in this JVM, on buffers and virtual time. */
final class Cli {

    private static final AtomicLong STREAMS = new AtomicLong();

    private Cli() {
    }

    /**
     * What a run printed and returned.
     *
     * @param status the exit status
     * @param out standard output, UTF-8
     * @param err standard error, UTF-8
     */
    record Result(int status, String out, String err) {

        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** A stream key no other test uses (the mem broker is shared by the whole JVM). */
    static String uniqueKey(String prefix) {
        return prefix + "-" + STREAMS.incrementAndGet();
    }

    static Result run(String... args) {
        return run(new ByteArrayInputStream(new byte[0]), args);
    }

    static Result runWithInput(String stdin, String... args) {
        return run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
    }

    static Result run(InputStream stdin, String... args) {
        return run(stdin, new VirtualPacer(0), Shutdown.manual(), args);
    }

    static Result run(InputStream stdin, Pacer pacer, Shutdown shutdown, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = Tide.run(new CliContext(stdin, outStream, errStream, false, pacer, shutdown), args);
        outStream.flush();
        errStream.flush();
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
