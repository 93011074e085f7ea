package dev.tide.stdio;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.OptionKey;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the {@code stdio} backend, all {@link ConnectOptions}:
 * <pre>{@code
 * Streamer streamer = Streamer.connect("stdio:///clock", ConnectOptions.defaults()
 *         .with(StdioOptions.LOOPBACK, true)
 *         .with(StdioOptions.INPUT, myInput));
 * }</pre>
 * Every stdio connection of a process that reads the same input stream shares one reader (and its
 * sequence counters and consumer groups), and every connection writing the same output stream shares one
 * writer (and its sequence counters); connections sharing an input must agree on {@link #STRICT},
 * {@link #ERRORS}, {@link #CLOCK} and {@link #MAX_LINE_BYTES}, or connecting fails with
 * {@link StreamException.Kind#INVALID_OPTION}.
 */
public final class StdioOptions {

    /**
     * {@code stdio.loopback}: also deliver every printed message to this connection's consumers, with its
     * printed header (as SeaStreamer's loopback, meant for tests). Default false.
     */
    public static final OptionKey<Boolean> LOOPBACK = OptionKey.bool("stdio.loopback", false);

    /**
     * {@code stdio.strict}: a malformed or non-UTF-8 input line ends the input: every consumer's
     * {@code next()} fails with {@link StreamException.Kind#FORMAT}, naming the line number and text,
     * after the messages read before it. Default false: the line is reported on {@link #ERRORS} and
     * skipped, and the lines around it are delivered.
     */
    public static final OptionKey<Boolean> STRICT = OptionKey.bool("stdio.strict", false);

    /**
     * {@code stdio.max-line-bytes}: the longest input line accepted, in bytes; a longer line is treated
     * as malformed (reported and skipped, or fatal with {@link #STRICT}). Default 16 MiB.
     */
    public static final OptionKey<Integer> MAX_LINE_BYTES = OptionKey.integer("stdio.max-line-bytes", 16 << 20);

    /**
     * {@code stdio.input}: where lines are read from. Default: the process's standard input, as
     * {@link System#in} is when connecting. Never closed by the backend. Only settable from code.
     */
    public static final OptionKey<InputStream> INPUT =
            OptionKey.object("stdio.input", InputStream.class, new StandardInput());

    /**
     * {@code stdio.output}: where lines are printed. Default: the process's standard output, as
     * {@link System#out} is when connecting. Flushed after every batch of lines, never closed by the
     * backend. Only settable from code.
     */
    public static final OptionKey<OutputStream> OUTPUT =
            OptionKey.object("stdio.output", OutputStream.class, new StandardOutput());

    /**
     * {@code stdio.errors}: where skipped input lines are reported, one line each:
     * {@code tide stdio: line 12: Unknown part: abc: [my_topic | abc] bad seq (skipped)}. Default: the
     * process's standard error, as {@link System#err} is when connecting. Only settable from code.
     */
    public static final OptionKey<PrintStream> ERRORS =
            OptionKey.object("stdio.errors", PrintStream.class, new PrintStream(new StandardError(), true, StandardCharsets.UTF_8));

    /**
     * {@code stdio.clock}: the time of input lines without a timestamp and of printed lines. Default
     * {@link Clock#systemUTC()}. Only settable from code.
     */
    public static final OptionKey<Clock> CLOCK = OptionKey.object("stdio.clock", Clock.class, Clock.systemUTC());

    private static final List<OptionKey<?>> CONNECT = List.of(LOOPBACK, STRICT, MAX_LINE_BYTES, INPUT, OUTPUT, ERRORS, CLOCK);

    private StdioOptions() {
    }

    /** The names of all stdio options, sorted. */
    static Set<String> names() {
        Set<String> names = new TreeSet<>();
        CONNECT.forEach(k -> names.add(k.name()));
        return names;
    }

    /** Fails with INVALID_OPTION on a {@code stdio.*} connect option this backend does not know. */
    static void check(ConnectOptions options) {
        for (String name : options.names()) {
            if (name.startsWith("stdio.") && !names().contains(name)) {
                throw unknown(name, "connect");
            }
        }
    }

    /** Fails with INVALID_OPTION on any {@code stdio.*} consumer option: stdio has none. */
    static void check(ConsumerOptions options) {
        for (String name : options.names()) {
            if (name.startsWith("stdio.")) {
                throw unknown(name, "consumer");
            }
        }
    }

    /** Fails with INVALID_OPTION on any {@code stdio.*} producer option: stdio has none. */
    static void check(ProducerOptions options) {
        for (String name : options.names()) {
            if (name.startsWith("stdio.")) {
                throw unknown(name, "producer");
            }
        }
    }

    private static StreamException unknown(String name, String kind) {
        return new StreamException(StreamException.Kind.INVALID_OPTION, "unknown stdio " + kind + " option \"" + name
                + "\"; the stdio options are connect options: " + String.join(", ", names()));
    }

    /** The stream to read: the option's value, or the current {@link System#in} for the default. */
    static InputStream input(ConnectOptions options) {
        InputStream in = options.get(INPUT);
        return in instanceof StandardInput ? System.in : in;
    }

    /** The stream to print to: the option's value, or the current {@link System#out} for the default. */
    static OutputStream output(ConnectOptions options) {
        OutputStream out = options.get(OUTPUT);
        return out instanceof StandardOutput ? System.out : out;
    }

    /** Where to report: the option's value, or the current {@link System#err} for the default. */
    static PrintStream errors(ConnectOptions options) {
        PrintStream err = options.get(ERRORS);
        return err == ERRORS.defaultValue() ? System.err : err;
    }

    /** The default input: reads whatever {@link System#in} is at the time of each call. */
    private static final class StandardInput extends InputStream {
        @Override
        public int read() throws IOException {
            return System.in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return System.in.read(b, off, len);
        }

        @Override
        public String toString() {
            return "standard input";
        }
    }

    /** The default output: writes to whatever {@link System#out} is at the time of each call. */
    private static final class StandardOutput extends OutputStream {
        @Override
        public void write(int b) {
            System.out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            System.out.write(b, off, len);
        }

        @Override
        public void flush() {
            System.out.flush();
        }

        @Override
        public String toString() {
            return "standard output";
        }
    }

    /** The default error stream: writes to whatever {@link System#err} is at the time of each call. */
    private static final class StandardError extends OutputStream {
        @Override
        public void write(int b) {
            System.err.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            System.err.write(b, off, len);
        }

        @Override
        public void flush() {
            System.err.flush();
        }
    }
}
