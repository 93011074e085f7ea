package dev.tide.cli;

import dev.tide.file.FileTools;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tide verify}: checks every frame, checksum and beacon of a {@code .ss} file. */
@Command(name = "verify",
        description = {"Checks every frame, checksum and beacon of a .ss file and reports the first problem with",
            "its byte offset.",
            "Exit status: 0 clean, 1 unreadable, 3 torn tail (tide repair fixes it), 4 damaged before its end.",
            "Example: tide verify --file events.ss"})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--file", required = true, paramLabel = "F", description = "The .ss file.")
    Path file;

    private final CliContext ctx;

    VerifyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return FileTools.verify(file, ctx.out());
    }
}
