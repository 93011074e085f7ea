package dev.tide.cli;

import dev.tide.Message;
import dev.tide.StreamUrl;
import dev.tide.file.SsFileWriter;
import dev.tide.redis.RedisTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tide dump}: SeaStreamer's {@code redis-streams-dump}. Copies every entry of Redis streams (all their
 * shards), in timestamp order, into a new {@code .ss} file that keeps each entry's stream, shard, sequence
 * number and timestamp.
 */
@Command(name = "dump",
        description = {"Dumps Redis streams into a new .ss file, as SeaStreamer's redis-streams-dump: every shard",
            "of every stream, in timestamp order, keeping each entry's key, shard, sequence number and timestamp.",
            "Example: tide dump --stream redis://localhost/orders --output orders.ss --since 2024-01-01T00:00:00"})
final class DumpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--stream", required = true, paramLabel = "URI", converter = Converters.StreamUrlConverter.class,
            description = "redis://host[:port]/key1,key2 (rediss:// for TLS).")
    StreamUrl stream;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "The .ss file to create; it must not exist.")
    Path output;

    @Option(names = "--since", paramLabel = "TS", description = "Only entries at or after TS, YYYY-MM-DDTHH:MM:SS[.f] in UTC.")
    String since;

    @Option(names = "--until", paramLabel = "TS", description = "Only entries at or before TS, YYYY-MM-DDTHH:MM:SS[.f] in UTC.")
    String until;

    @Option(names = "--beacon-interval", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Beacon interval of the new file (default: ${DEFAULT-VALUE}, SeaStreamer's).")
    int beaconInterval;

    @Mixin
    BackendOptions.Connection connection;

    private final CliContext ctx;

    DumpCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    private Optional<Instant> time(String option, String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Optional.of(RedisArgs.timestamp(spec, option, text));
    }

    @Override
    public Integer call() {
        RedisArgs.requireRedisStreams(spec, stream);
        if (beaconInterval < 128) {
            throw new ParameterException(spec.commandLine(), "--beacon-interval must be at least 128: " + beaconInterval);
        }
        if (Files.exists(output)) {
            throw new ParameterException(spec.commandLine(), "--output " + output + " exists already; dump writes a new file");
        }
        Optional<Instant> from = time("--since", since);
        Optional<Instant> to = time("--until", until);
        SsFileWriter writer = SsFileWriter.create(output, Instant.now(), beaconInterval);
        try {
            RedisTools.snapshot(stream, connection.options(), from, to).forEach((Message m) -> writer.write(m.header(), m.bytes()));
            writer.close();
        } catch (RuntimeException | Error e) {
            // A dump that failed half way is not left behind looking like a complete one.
            try {
                writer.close();
                Files.deleteIfExists(output);
            } catch (RuntimeException | java.io.IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        long written = writer.messages();
        ctx.out().println("Dumped " + written + " messages from " + stream + " into " + output);
        ctx.out().flush();
        return 0;
    }
}
