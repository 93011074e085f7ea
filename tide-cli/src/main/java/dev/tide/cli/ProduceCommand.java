package dev.tide.cli;

import dev.tide.ConnectOptions;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tide produce}: every line of standard input becomes one message (the line without its end,
 * {@code \n} or {@code \r\n}), sent in order; ends at the end of the input after flushing.
 */
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
        Lines lines = new Lines(ctx.in());
        try (Connections connections = new Connections(ctx, connectOptions);
                Producer producer = connections.connect(stream).producer(key, options)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                tracker.check();
                tracker.track(producer.send(line));
            }
            producer.flush();
            tracker.check();
        }
        return 0;
    }

    /*
     * Standard input split into lines: at '\n', with one '\r' before it dropped; the last line needs no
     * '\n'. Each line is decoded on its own, so a line that is not UTF-8 is reported with its number after
     * every line before it was sent.
     */
    private static final class Lines {

        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private int pos;
        private int end;
        private long number;
        private boolean eof;

        Lines(InputStream in) {
            this.in = in;
        }

        /** The next line, or null at the end of the input. Blocks while reading. */
        String next() {
            line.reset();
            while (true) {
                if (pos == end) {
                    if (eof || !fill()) {
                        return line.size() > 0 ? decode() : null;
                    }
                }
                int from = pos;
                while (pos < end && buffer[pos] != '\n') {
                    pos++;
                }
                line.write(buffer, from, pos - from);
                if (pos < end) {
                    pos++;
                    return decode();
                }
            }
        }

        private boolean fill() {
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    eof = true;
                    return false;
                }
                pos = 0;
                end = n;
                return true;
            } catch (IOException e) {
                throw new StreamException(StreamException.Kind.IO,
                        "reading standard input after line " + number + " failed: " + e.getMessage(), e);
            }
        }

        private String decode() {
            number++;
            byte[] bytes = line.toByteArray();
            int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            try {
                return decoder.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
            } catch (CharacterCodingException e) {
                throw new StreamException(StreamException.Kind.FORMAT,
                        "line " + number + " of standard input is not valid UTF-8", e);
            }
        }
    }
}
