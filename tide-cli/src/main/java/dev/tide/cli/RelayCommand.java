package dev.tide.cli;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import dev.tide.flow.Flow;
import dev.tide.kafka.KafkaRelay;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tide relay}: a real-time consumer of one stream feeding a producer of another, payload only (the
 * output backend gives each message its own header). Ends when the input ends, such as at the end of
 * standard input, after flushing the output. With {@code --transactional} between two Kafka topics it runs
 * tide-kafka's exactly-once {@link KafkaRelay} instead.
 */
@Command(name = "relay",
        description = {"Copies the messages of one stream to another, payload only, as they arrive.",
            "Ends when the input ends (for stdio: at the end of standard input).",
            "Example: tide clock --stream stdio:///clock --interval 100ms | "
                    + "tide relay --input stdio:///clock --output stdio:///relayed"})
final class RelayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "URI", converter = Converters.StreamUrlConverter.class,
            description = "The stream(s) to read, such as stdio:///clock or mem:///a,b.")
    StreamUrl input;

    @Option(names = "--output", required = true, paramLabel = "URI", converter = Converters.StreamUrlConverter.class,
            description = "The stream to write, such as stdio:///relayed.")
    StreamUrl output;

    @Option(names = "--offset", paramLabel = "start|end", defaultValue = "end",
            converter = Converters.OffsetConverter.class,
            description = "Where to start reading: the oldest message kept (start) or new ones only (end; the default).")
    Offset offset;

    @Option(names = "--count", paramLabel = "N", description = "Stop after relaying N messages (default: until the input ends).")
    Long count;

    @Option(names = {"--transactional", "--exactly-once"},
            description = "Relay exactly once between two kafka:// topics on one cluster: each batch is written in one "
                    + "Kafka transaction together with the input offsets, so stopping or killing the relay at any moment "
                    + "neither loses nor duplicates a message for readers with kafka.isolation.level=read_committed. "
                    + "Run it again with the same --input and --output to resume.")
    boolean transactional;

    @Mixin
    BackendOptions.Connection connection;

    @Mixin
    BackendOptions.ForConsumer consumerOptions;

    @Mixin
    BackendOptions.ForProducer producerOptions;

    private final CliContext ctx;

    RelayCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<StreamKey> inputKeys = Args.keys(spec, "--input", input);
        StreamKey outputKey = Args.oneKey(spec, "--output", output);
        if (input.equals(output) && !input.streamer().requireProtocol().equals("stdio")) {
            throw new ParameterException(spec.commandLine(), "--input and --output are the same stream (" + input
                    + "): relaying a stream into itself never ends");
        }
        long limit = Args.limit(spec, count);
        if (transactional) {
            return relayExactlyOnce(limit);
        }
        ConnectOptions connectOptions = connection.options();
        ConsumerOptions readOptions = consumerOptions.options(ConsumerOptions.realTime().reset(offset.reset()));
        ProducerOptions writeOptions = producerOptions.options();
        SendTracker tracker = new SendTracker();
        try (Connections connections = new Connections(ctx, connectOptions);
                Consumer consumer = connections.connect(input).consumer(inputKeys, readOptions);
                Producer producer = connections.connect(output).producer(outputKey, writeOptions);
                Progress progress = Progress.start(ctx, "relay")) {
            Flow<Message> messages = limit < 0 ? consumer.flow() : consumer.flow().take(limit);
            messages.forEach(m -> {
                tracker.check();
                tracker.track(producer.send(m.bytes()));
                progress.count();
            });
            producer.flush();
            tracker.check();
        }
        return 0;
    }

    /** {@code --transactional}: a {@link KafkaRelay} between the two topics, until stopped or the count is reached. */
    private Integer relayExactlyOnce(long limit) {
        if (!input.streamer().requireProtocol().equals("kafka") || !output.streamer().requireProtocol().equals("kafka")) {
            throw new ParameterException(spec.commandLine(), "--transactional needs kafka:// for both --input and --output (got "
                    + input + " and " + output + ")");
        }
        KafkaRelay.Builder builder = KafkaRelay.builder(input, output)
                .connectOptions(connection.options())
                .consumerOptions(consumerOptions.options(ConsumerOptions.realTime()))
                .producerOptions(producerOptions.options())
                .reset(offset.reset());
        if (limit >= 0) {
            builder.limit(limit);
        }
        try (Progress progress = Progress.start(ctx, "relay")) {
            KafkaRelay relay = builder.transform(m -> {
                progress.count();
                return List.of(m.bytes());
            }).build();
            AutoCloseable registration = ctx.shutdown().register(relay);
            try {
                relay.run();
            } finally {
                try {
                    registration.close();
                } catch (Exception e) {
                    // forgetting a registration does not fail
                }
            }
        }
        return 0;
    }
}
