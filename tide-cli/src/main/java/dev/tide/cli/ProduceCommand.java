package dev.tide.cli;

import dev.tide.ConnectOptions;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tide produce}: every line of standard input becomes one message. */
@Command(name = "produce",
        description = {"Sends each line of standard input (UTF-8) to a stream as one message, until its end.",
            "Example: seq 3 | tide produce --stream mem:///numbers"})
final class ProduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--stream", required = true, paramLabel = "URI", converter = Converters.StreamUrlConverter.class,
            description = "The stream to send to, such as stdio:///lines.")
    StreamUrl stream;

    @Mixin
    BackendOptions.Connection connection;

    @Mixin
    BackendOptions.ForProducer producerOptions;

    private final CliContext ctx;

    ProduceCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        StreamKey key = Args.oneKey(spec, "--stream", stream);
        ConnectOptions connectOptions = connection.options();
        ProducerOptions options = producerOptions.options();
        SendTracker tracker = new SendTracker();
        BufferedReader lines = new BufferedReader(new InputStreamReader(ctx.in(), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        try (Connections connections = new Connections(ctx, connectOptions);
                Producer producer = connections.connect(stream).producer(key, options)) {
            long lineNo = 0;
            while (true) {
                String line;
                try {
                    line = lines.readLine();
                } catch (CharacterCodingException e) {
                    throw new StreamException(StreamException.Kind.FORMAT,
                            "line " + (lineNo + 1) + " of standard input is not valid UTF-8", e);
                } catch (IOException e) {
                    throw new StreamException(StreamException.Kind.IO,
                            "reading standard input after line " + lineNo + ": " + e.getMessage(), e);
                }
                if (line == null) {
                    break;
                }
                lineNo++;
                tracker.check();
                tracker.track(producer.send(line));
            }
            producer.flush();
            tracker.check();
        }
        return 0;
    }
}
