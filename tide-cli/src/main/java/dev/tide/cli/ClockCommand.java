package dev.tide.cli;

import dev.tide.ConnectOptions;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tide clock}: sends {@code { "tick": N }} to a stream at a fixed rate, as SeaStreamer's clock. */
@Command(name = "clock",
        description = {"Sends { \"tick\": N } to a stream at a fixed rate, N counting from 0.",
            "Example: tide clock --stream stdio:///clock --interval 100ms"})
final class ClockCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--stream", required = true, paramLabel = "URI", converter = Converters.StreamUrlConverter.class,
            description = "The stream to send to, such as stdio:///clock or mem:///clock.")
    StreamUrl stream;

    @Option(names = "--interval", required = true, paramLabel = "D", converter = Converters.DurationConverter.class,
            description = "Time between ticks, such as 100ms or 1s (units ns, us, ms, s, m, h).")
    Duration interval;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N ticks (default: run until stopped).")
    Long count;

    @Mixin
    BackendOptions.Connection connection;

    @Mixin
    BackendOptions.ForProducer producerOptions;

    private final CliContext ctx;

    ClockCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        StreamKey key = Args.oneKey(spec, "--stream", stream);
        long limit = Args.limit(spec, count);
        ConnectOptions connectOptions = connection.options();
        ProducerOptions options = producerOptions.options();
        SendTracker tracker = new SendTracker();
        try (Connections connections = new Connections(ctx, connectOptions);
                Producer producer = connections.connect(stream).producer(key, options)) {
            Ticks.send(producer, interval, limit, ctx.pacer(), tracker, n -> { });
            producer.flush();
            tracker.check();
        }
        return 0;
    }
}
