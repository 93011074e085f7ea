package dev.tide.cli;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tide consume}: prints the messages of one or more streams, one line each. A resumable or
 * load-balanced consumer commits what it has printed (at least once: a message is committed after its
 * line was written out).
 */
@Command(name = "consume",
        description = {"Prints the messages of a stream on standard output, one line each.",
            "Example: tide consume --stream mem:///clock --offset start --count 10 --format stdio"})
final class ConsumeCommand implements Callable<Integer> {

    /** Lines printed between flushes (and commits) when messages keep coming. */
    private static final int FLUSH_EVERY = 1000;

    private record Shard(StreamKey key, ShardId shard) {
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--stream", required = true, paramLabel = "URI", converter = Converters.StreamUrlConverter.class,
            description = "The stream(s) to read, such as mem:///clock or mem:///a,b.")
    StreamUrl stream;

    @Option(names = "--mode", paramLabel = "MODE", converter = Converters.ModeConverter.class,
            description = "real-time, resumable or load-balanced (default: real-time, or load-balanced with --group).")
    ConsumerMode mode;

    @Option(names = "--group", paramLabel = "G", description = "The consumer group (resumable and load-balanced modes).")
    String group;

    @Option(names = "--offset", paramLabel = "start|end", defaultValue = "end",
            converter = Converters.OffsetConverter.class,
            description = "Where to start without a committed position: the oldest message kept (start) "
                    + "or new ones only (end; the default).")
    Offset offset;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N messages (default: until the stream ends).")
    Long count;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "payload",
            converter = Converters.FormatConverter.class,
            description = {"payload: the payload only (the default);",
                "stdio: the stdio line, [2026-01-01T00:00:00 | key | seq] payload;",
                "log: ss-decode's line, [2026-01-01T00:00:00.5 | key | seq | shard] payload;",
                "ndjson: {\"header\":{\"stream_key\":…,\"shard_id\":…,\"sequence\":…,\"timestamp\":…},\"payload\":…}."})
    MessageFormat format;

    @Mixin
    BackendOptions.Connection connection;

    @Mixin
    BackendOptions.ForConsumer consumerOptions;

    private final CliContext ctx;

    ConsumeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<StreamKey> keys = Args.keys(spec, "--stream", stream);
        long limit = Args.limit(spec, count);
        ConsumerMode chosen = mode != null ? mode : group != null ? ConsumerMode.LOAD_BALANCED : ConsumerMode.REAL_TIME;
        ConsumerOptions options = ConsumerOptions.of(chosen).reset(offset.reset());
        if (group != null) {
            options = options.group(group);
        }
        options = consumerOptions.options(options);
        ConnectOptions connectOptions = connection.options();
        boolean commits = chosen != ConsumerMode.REAL_TIME;
        Map<Shard, Message> uncommitted = new LinkedHashMap<>();
        LineOutput out = new LineOutput(ctx.out());
        try (Connections connections = new Connections(ctx, connectOptions);
                Consumer consumer = connections.connect(stream).consumer(keys, options);
                Progress progress = Progress.start(ctx, "consume")) {
            for (long n = 0; limit < 0 || n < limit; n++) {
                Optional<Message> next;
                try {
                    next = consumer.poll(Duration.ZERO);
                    if (next.isEmpty()) {
                        flush(out, consumer, uncommitted);
                        next = Optional.of(consumer.next());
                    }
                } catch (StreamException e) {
                    if (e.kind() == StreamException.Kind.ENDED) {
                        break;
                    }
                    throw e;
                }
                Message m = next.get();
                format.write(m, out);
                if (commits) {
                    uncommitted.put(new Shard(m.key(), m.shard()), m);
                }
                progress.count();
                if ((n + 1) % FLUSH_EVERY == 0) {
                    flush(out, consumer, uncommitted);
                }
            }
            flush(out, consumer, uncommitted);
        }
        return 0;
    }

    /** Writes out the buffered lines, then commits what they showed: at least once. */
    private static void flush(LineOutput out, Consumer consumer, Map<Shard, Message> uncommitted) {
        out.flush();
        for (Message m : uncommitted.values()) {
            consumer.commit(m);
        }
        uncommitted.clear();
    }
}
