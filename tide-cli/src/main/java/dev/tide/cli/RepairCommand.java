package dev.tide.cli;

import dev.tide.file.FileTools;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tide repair}: cuts a torn tail off a {@code .ss} file, or salvages a damaged one. */
@Command(name = "repair",
        description = {"Cuts the torn tail a crash left on a .ss file back to its last complete message.",
            "Damage before the end is refused unless --salvage. Do not run it while the file is being written.",
            "Exit status: 0 repaired (or nothing to do), 1 unreadable, 4 damaged and not salvaged.",
            "Example: tide repair --file events.ss"})
final class RepairCommand implements Callable<Integer> {

    @Option(names = "--file", required = true, paramLabel = "F", description = "The .ss file.")
    Path file;

    @Option(names = "--salvage",
            description = "Rewrite a file damaged in the middle with every message that still reads whole.")
    boolean salvage;

    private final CliContext ctx;

    RepairCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return FileTools.repair(file, salvage, ctx.out());
    }
}
