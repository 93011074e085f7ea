package dev.tide.cli;

import dev.tide.StreamUrl;
import dev.tide.Timestamps;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks shared by the Redis tool commands ({@code dump}, {@code trim}): usage errors, exit status 2. */
final class RedisArgs {

    private RedisArgs() {
    }

    /** {@code --stream} must be a redis:// or rediss:// URI naming at least one stream. */
    static void requireRedisStreams(CommandSpec spec, StreamUrl stream) {
        String scheme = stream.streamer().requireProtocol().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new ParameterException(spec.commandLine(), "--stream must be a redis:// or rediss:// URI, not " + stream);
        }
        if (stream.keys().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--stream names no stream: write " + stream + "key1,key2");
        }
    }

    /** A timestamp option's value, in SeaStreamer's text form. */
    static Instant timestamp(CommandSpec spec, String option, String text) {
        return Timestamps.tryParse(text).orElseThrow(() -> new ParameterException(spec.commandLine(),
                option + ": invalid timestamp \"" + text + "\": expected YYYY-MM-DDTHH:MM:SS[.fraction] in UTC"));
    }
}
