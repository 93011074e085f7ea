package dev.tide.stdio;

import static dev.tide.stdio.StdioFixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code tide clock --stream stdio:///clock | tide relay --input stdio:///clock --output stdio:///relayed},
 * in one JVM: three stdio connections joined by in-memory pipes. The relay sees each tick as soon as it is
 * printed (the writer flushes every batch), and its output can be read back by a third connection.
 */
class StdioPipelineTest {

    /** The writing end of a pipe into a {@link TestInput}; closing it ends the input. */
    private static final class Pipe extends OutputStream {
        final TestInput reading = new TestInput();

        @Override
        public void write(int b) {
            reading.feed(new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) {
            reading.feed(Arrays.copyOfRange(b, off, off + len));
        }

        @Override
        public void close() {
            reading.end();
        }
    }

    private static ConnectOptions options(java.io.InputStream in, OutputStream out, MutableClock clock, PrintStream errors) {
        return ConnectOptions.defaults().with(StdioOptions.INPUT, in).with(StdioOptions.OUTPUT, out)
                .with(StdioOptions.CLOCK, clock).with(StdioOptions.ERRORS, errors);
    }

    @Test
    void clockPipedIntoRelayPrintsRelayedTicksAsTheyCome() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
        ByteArrayOutputStream errorBytes = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(errorBytes, true, StandardCharsets.UTF_8);
        Pipe clockToRelay = new Pipe();
        Pipe relayToReader = new Pipe();
        TestInput clockStdin = new TestInput();

        Streamer clockSide = Streamer.connect("stdio:///clock", options(clockStdin, clockToRelay, clock, errors));
        Streamer relaySide = Streamer.connect("stdio:///clock", options(clockToRelay.reading, relayToReader, clock, errors));
        Streamer readerSide = Streamer.connect("stdio:///relayed", options(relayToReader.reading, new TestOutput(), clock, errors));

        Consumer relayInput = relaySide.consumer(ConsumerOptions.realTime());
        Producer relayOutput = relaySide.producer(StreamKey.of("relayed"), ProducerOptions.defaults());
        CompletableFuture<Long> relayed = new CompletableFuture<>();
        Thread relay = Thread.ofVirtual().start(() -> {
            try {
                relayed.complete(relayInput.flow().fold(0L, (n, m) -> {
                    relayOutput.send(m.asString());
                    return n + 1;
                }));
            } catch (Throwable e) {
                relayed.completeExceptionally(e);
            }
        });
        Consumer reader = readerSide.consumer(ConsumerOptions.realTime());

        Producer ticks = clockSide.producer();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ticks.send("{ \"tick\": " + i + " }");
            // Each tick comes through before the next is sent: nothing waits for a buffer to fill.
            Message m = reader.poll(PATIENCE).orElseThrow(() -> new AssertionError("tick not relayed in time"));
            seen.add(m.key() + " " + m.seq() + " " + m.asString());
            clock.advance(java.time.Duration.ofMillis(100));
        }
        assertThat(seen).hasSize(20).first().isEqualTo("relayed 0 { \"tick\": 0 }");
        assertThat(seen).last().isEqualTo("relayed 19 { \"tick\": 19 }");

        clockSide.close();
        clockToRelay.close();
        assertThat(StdioFixture.await(relayed)).isEqualTo(20L);
        relay.join();
        relaySide.close();
        relayToReader.close();
        // Every tick was read above; the end of the relay's output ends the reader's flow.
        assertThat(reader.flow().toList()).isEmpty();
        readerSide.close();
        assertThat(errorBytes.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
