package dev.tide.cli;

import dev.tide.file.FileTools;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tide decode}: prints a {@code .ss} file as SeaStreamer's {@code ss-decode} does, byte for byte. */
@Command(name = "decode",
        description = {"Prints a .ss file as text, exactly as SeaStreamer's ss-decode does.",
            "Exit status: 0 (also for a torn tail, reported on stderr), 1 unreadable, 4 damaged.",
            "Example: tide decode --file events.ss --format ndjson"})
final class DecodeCommand implements Callable<Integer> {

    @Option(names = "--file", required = true, paramLabel = "F", description = "The .ss file.")
    Path file;

    @Option(names = "--format", paramLabel = "log|ndjson", defaultValue = "log",
            description = "log: [timestamp | key | seq | shard] payload (the default); ndjson: one JSON object per message.")
    String format;

    @Option(names = "--header-only", description = "Leave the payloads out.")
    boolean headerOnly;

    private final CliContext ctx;

    DecodeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        FileTools.Format f = switch (format.toLowerCase(Locale.ROOT)) {
            case "log" -> FileTools.Format.LOG;
            case "ndjson" -> FileTools.Format.NDJSON;
            default -> throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--format must be log or ndjson, not " + format);
        };
        int status = FileTools.decode(file, f, headerOnly, ctx.out(), ctx.err());
        ctx.out().flush();
        return status;
    }
}
