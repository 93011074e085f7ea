package dev.tide.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * The {@code tide} command line: {@code tide clock}, {@code relay}, {@code produce}, {@code consume}
 * and {@code demo}, between any backends on the class path. {@code bin/tide} runs it; run
 * {@code tide --help} for the commands.
 */
public final class Tide {

    private Tide() {
    }

    /**
     * Runs one command and exits with its status: 0 on success, 1 on a failure (one line on stderr),
     * 2 on a usage error, 130 when interrupted, 141 when standard output was closed by its reader.
     *
     * @param args the command line, such as {@code clock --stream stdio:///clock --interval 1s}
     */
    public static void main(String... args) {
        int status = run(CliContext.system(), args);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Runs one command in a context and returns its exit status. */
    static int run(CliContext ctx, String... args) {
        return commandLine(ctx).execute(args);
    }

    /** The command line, wired to a context. */
    static CommandLine commandLine(CliContext ctx) {
        ErrorHandler errors = new ErrorHandler(ctx);
        CommandLine cl = new CommandLine(TideCommand.class, new CliFactory(ctx));
        cl.setOut(new PrintWriter(new OutputStreamWriter(ctx.out(), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(ctx.err(), StandardCharsets.UTF_8), true));
        cl.setParameterExceptionHandler(errors);
        cl.setExecutionExceptionHandler(errors);
        return cl;
    }
}
