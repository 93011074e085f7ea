package dev.tide.cli;

import dev.tide.file.FileTools;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tide tail}: follows a {@code .ss} file like {@code tail -f}, printing each new message. */
@Command(name = "tail",
        description = {"Follows a .ss file like tail -f: prints each message written to it (as decode's log lines)",
            "until its end-of-stream marker or Ctrl-C.",
            "Example: tide tail --file events.ss"})
final class TailCommand implements Callable<Integer> {

    @Option(names = "--file", required = true, paramLabel = "F", description = "The .ss file.")
    Path file;

    @Option(names = "--from-start", description = "Print the messages already in the file first.")
    boolean fromStart;

    private final CliContext ctx;

    TailCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return FileTools.tail(file, fromStart, ctx.out(), ctx.err());
    }
}
