package dev.tide.cli;

import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import dev.tide.redis.RedisTools;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tide trim}: SeaStreamer's {@code trim-stream}, XTRIM on every shard of Redis streams. */
@Command(name = "trim",
        description = {"Trims Redis streams, as SeaStreamer's trim-stream: XTRIM MAXLEN or MINID on the plain key",
            "and on every shard key (key:N) of each stream, then prints how many entries went.",
            "Example: tide trim --stream redis://localhost/orders --max-len 10000"})
final class TrimCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--stream", required = true, paramLabel = "URI", converter = Converters.StreamUrlConverter.class,
            description = "redis://host[:port]/key1,key2 (rediss:// for TLS).")
    StreamUrl stream;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Limit limit;

    /** Exactly one of the two limits. */
    static final class Limit {
        @Option(names = "--max-len", paramLabel = "N", required = true,
                description = "Keep about N entries per shard key (XTRIM MAXLEN).")
        Long maxLen;

        @Option(names = "--min-ts", paramLabel = "TS", required = true,
                description = "Remove entries older than TS, YYYY-MM-DDTHH:MM:SS[.f] in UTC (XTRIM MINID).")
        String minTs;
    }

    @Option(names = "--exact", description = "Trim exactly, instead of approximately (~: cheaper, SeaStreamer's way).")
    boolean exact;

    @Mixin
    BackendOptions.Connection connection;

    private final CliContext ctx;

    TrimCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RedisArgs.requireRedisStreams(spec, stream);
        Map<StreamKey, Long> removed;
        if (limit.maxLen != null) {
            if (limit.maxLen < 0) {
                throw new ParameterException(spec.commandLine(), "--max-len must not be negative: " + limit.maxLen);
            }
            removed = RedisTools.trimMaxLength(stream, connection.options(), limit.maxLen, exact);
        } else {
            Instant min = RedisArgs.timestamp(spec, "--min-ts", limit.minTs);
            removed = RedisTools.trimMinTimestamp(stream, connection.options(), min, exact);
        }
        removed.forEach((key, n) -> ctx.out().println("Trimmed " + n + " entries from " + key));
        ctx.out().flush();
        return 0;
    }
}
