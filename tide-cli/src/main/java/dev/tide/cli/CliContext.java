package dev.tide.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * What a command reads, writes and waits on: the process's standard streams and real time when run from
 * {@link Tide#main}, a test's buffers and virtual time in tests.
 *
 * @param in standard input, read by {@code produce}
 * @param out standard output, where {@code consume} and {@code demo} print
 * @param err standard error: error lines and, on a terminal, progress
 * @param showProgress whether long-running commands may show progress on {@code err}: only when it is a
 *     terminal and standard output is not (on a shared terminal the output itself shows progress)
 * @param pacer the time source and sleeper of clocks and progress displays
 * @param shutdown what to close when the process is asked to stop (Ctrl-C)
 */
record CliContext(InputStream in, PrintStream out, PrintStream err, boolean showProgress, Pacer pacer,
        Shutdown shutdown) {

    /** The system property through which {@code bin/tide} says that stderr is a terminal. */
    static final String STDERR_TERMINAL_PROPERTY = "tide.stderr.terminal";

    /** The system property through which {@code bin/tide} says that stdout is a terminal. */
    static final String STDOUT_TERMINAL_PROPERTY = "tide.stdout.terminal";

    CliContext {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(pacer, "pacer");
        Objects.requireNonNull(shutdown, "shutdown");
    }

    /** The process's standard streams and real time; Ctrl-C closes what commands register. */
    static CliContext system() {
        return new CliContext(System.in, System.out, System.err,
                Boolean.getBoolean(STDERR_TERMINAL_PROPERTY) && !Boolean.getBoolean(STDOUT_TERMINAL_PROPERTY),
                Pacer.system(), Shutdown.onJvmExit());
    }
}
