package dev.tide.cli;

import dev.tide.StreamException;
import dev.tide.flow.FlowException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/*
 * Every error of every command ends here and becomes one line on stderr, "tide <command>: <message>",
 * and an exit status: 2 for a usage error (picocli's message, plus where to find help), 1 for a failure
 * while running. The stack trace follows only with --verbose. Two cases stay silent: the reader of stdout
 * went away (exit 141, as after SIGPIPE), and the process is being stopped (Ctrl-C: exit 130).
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    /** A failure while running. */
    static final int EXIT_FAILURE = 1;
    /** A usage error: a bad or missing option. */
    static final int EXIT_USAGE = 2;
    /** Interrupted (Ctrl-C), as a shell reports SIGINT. */
    static final int EXIT_INTERRUPTED = 130;
    /** Standard output closed by its reader, as a shell reports SIGPIPE. */
    static final int EXIT_OUTPUT_CLOSED = 141;

    private final CliContext ctx;

    ErrorHandler(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        if (ctx.shutdown().inProgress()) {
            return EXIT_INTERRUPTED;
        }
        String name = ex.getCommandLine().getCommandSpec().qualifiedName();
        ctx.err().println(name + ": " + oneLine(ex.getMessage()) + " (see '" + name + " --help')");
        if (verbose(args)) {
            ex.printStackTrace(ctx.err());
        }
        ctx.err().flush();
        return EXIT_USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        Throwable cause = unwrap(ex);
        if (outputClosed(cause)) {
            return EXIT_OUTPUT_CLOSED;
        }
        if (ctx.shutdown().inProgress()) {
            return EXIT_INTERRUPTED;
        }
        ctx.err().println(commandLine.getCommandSpec().qualifiedName() + ": " + describe(cause));
        if (verbose(parseResult)) {
            cause.printStackTrace(ctx.err());
        }
        ctx.err().flush();
        return EXIT_FAILURE;
    }

    /** The message of a failure, on one line; the exception's type too when the message alone says little. */
    static String describe(Throwable t) {
        String message = t.getMessage();
        if (t instanceof StreamException || t instanceof FlowException || t instanceof IllegalArgumentException
                || t instanceof IllegalStateException || t instanceof UncheckedIOException) {
            if (message != null && !message.isBlank()) {
                return oneLine(message);
            }
        }
        if (t instanceof IOException && message != null && !message.isBlank()) {
            return oneLine(message);
        }
        return oneLine(message == null || message.isBlank() ? t.getClass().getName() : t.getClass().getName() + ": " + message);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while (cur.getCause() != null && (cur instanceof CompletionException || cur instanceof ExecutionException
                || cur instanceof FlowException f && f.kind() == FlowException.Kind.CHECKED
                || cur instanceof UncheckedIOException)) {
            cur = cur.getCause();
        }
        return cur;
    }

    /**
     * Whether a failure means that the reader of standard output went away: our own output noticed it,
     * or an I/O failure (such as the stdio backend's writer failing) came while standard output reports
     * an error.
     */
    private boolean outputClosed(Throwable t) {
        boolean io = false;
        for (Throwable cur = t; cur != null; cur = cur.getCause() == cur ? null : cur.getCause()) {
            if (cur instanceof OutputClosedException) {
                return true;
            }
            if (cur instanceof IOException && cur.getMessage() != null
                    && cur.getMessage().toLowerCase(Locale.ROOT).contains("broken pipe")) {
                return true;
            }
            io |= cur instanceof IOException
                    || cur instanceof StreamException se && se.kind() == StreamException.Kind.IO;
        }
        return io && ctx.out().checkError();
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static boolean verbose(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
