package dev.tide.stdio;

import static dev.tide.stdio.StdioFixture.await;
import static dev.tide.stdio.StdioFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What producers print: the line format, sequence numbers, receipts, refused payloads, flushing. */
class StdioOutputTest {

    private final StdioFixture io = new StdioFixture();

    @AfterEach
    void close() {
        io.close();
    }

    @Test
    void printsSeaStreamerLinesWithWholeSecondTimestamps() {
        io.clock.set(Instant.parse("2023-02-24T08:13:10.750Z"));
        Producer p = io.connect().producer(StreamKey.of("relay"), ProducerOptions.defaults());
        Receipt r = await(p.send("{\"relay\":1,\"tick\":0}"));
        p.flush();
        assertThat(io.output.text()).isEqualTo("[2023-02-24T08:13:10 | relay | 0] {\"relay\":1,\"tick\":0}\n");
        assertThat(r).isEqualTo(new Receipt(StreamKey.of("relay"), ShardId.ZERO, SeqNo.ZERO,
                Instant.parse("2023-02-24T08:13:10Z")));
    }

    @Test
    void sequenceNumbersCountPerKeyFromZeroAcrossProducersAndConnections() {
        Streamer one = io.connect();
        Streamer two = io.connect();
        Producer a = one.producer(ProducerOptions.defaults());
        Producer b = two.producer(ProducerOptions.defaults());
        StreamKey x = StreamKey.of("x");
        StreamKey y = StreamKey.of("y");
        List<Receipt> receipts = new ArrayList<>();
        receipts.add(await(a.send(x, "1")));
        receipts.add(await(b.send(x, "2")));
        receipts.add(await(a.send(y, "3")));
        receipts.add(await(b.send(x, "4")));
        assertThat(receipts).extracting(r -> r.key().name() + "/" + r.seq()).containsExactly("x/0", "x/1", "y/0", "x/2");
        assertThat(io.output.lines()).containsExactly(
                "[2024-05-06T07:08:09 | x | 0] 1",
                "[2024-05-06T07:08:09 | x | 1] 2",
                "[2024-05-06T07:08:09 | y | 0] 3",
                "[2024-05-06T07:08:09 | x | 2] 4");
    }

    @Test
    void timestampsAreTakenWhenPrinting() {
        Producer p = io.connect().producer(StreamKey.of("t"), ProducerOptions.defaults());
        await(p.send("a"));
        io.clock.set(Instant.parse("2030-01-01T00:00:59.999Z"));
        Receipt r = await(p.send("b"));
        assertThat(r.timestamp()).isEqualTo(Instant.parse("2030-01-01T00:00:59Z"));
        assertThat(io.output.lines()).last().isEqualTo("[2030-01-01T00:00:59 | t | 1] b");
    }

    @Test
    void emptyPayloadsArePrintedAndReadBackEmpty() {
        Producer p = io.connect().producer(StreamKey.of("e"), ProducerOptions.defaults());
        await(p.send(new byte[0]));
        String line = io.output.lines().get(0);
        assertThat(line).isEqualTo("[2024-05-06T07:08:09 | e | 0] ");
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        ParsedLine.Parsed parsed = (ParsedLine.Parsed) LineParser.parse(b, 0, b.length);
        assertThat(parsed.key()).contains(StreamKey.of("e"));
        assertThat(parsed.seq()).contains(SeqNo.ZERO);
        assertThat(parsed.payloadLength()).isZero();
    }

    @Test
    void printedLinesParseBackToTheReceipt() {
        Producer p = io.connect().producer(StreamKey.of("round.trip"), ProducerOptions.defaults());
        Receipt r = await(p.send("[x] payload that looks like a header | with bars ]"));
        byte[] b = io.output.lines().get(0).getBytes(StandardCharsets.UTF_8);
        ParsedLine.Parsed parsed = (ParsedLine.Parsed) LineParser.parse(b, 0, b.length);
        assertThat(parsed.timestamp()).contains(r.timestamp());
        assertThat(parsed.key()).contains(r.key());
        assertThat(parsed.seq()).contains(r.seq());
        assertThat(new String(b, parsed.payloadOffset(), parsed.payloadLength(), StandardCharsets.UTF_8))
                .isEqualTo("[x] payload that looks like a header | with bars ]");
    }

    @Test
    void payloadsWithALineBreakOrInvalidUtf8FailWithFormatAndPrintNothing() {
        Producer p = io.connect().producer(StreamKey.of("f"), ProducerOptions.defaults());
        StreamException newline = failure(p.send("two\nlines"));
        assertThat(newline.kind()).isEqualTo(StreamException.Kind.FORMAT);
        assertThat(newline).hasMessageContaining("line break at byte 3");
        StreamException binary = failure(p.send(new byte[] {'a', (byte) 0xFF}));
        assertThat(binary.kind()).isEqualTo(StreamException.Kind.FORMAT);
        assertThat(binary).hasMessageContaining("not valid UTF-8 (at byte 1)");
        assertThat(await(p.send("ok\r")).seq()).isEqualTo(SeqNo.ZERO);
        assertThat(io.output.text()).isEqualTo("[2024-05-06T07:08:09 | f | 0] ok\r\n");
    }

    @Test
    void onlyShardZeroCanBeSentTo() {
        Producer p = io.connect().producer(ProducerOptions.defaults());
        assertThat(await(p.send(StreamKey.of("s"), ShardId.ZERO, "x".getBytes(StandardCharsets.UTF_8))).shard())
                .isEqualTo(ShardId.ZERO);
        assertThatThrownBy(() -> p.send(StreamKey.of("s"), ShardId.of(1), new byte[0]))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.UNSUPPORTED));
    }

    @Test
    void theReservedKeyIsRefused() {
        Streamer s = io.connect();
        StreamKey internal = StreamKey.of(StreamKey.INTERNAL);
        assertThatThrownBy(() -> s.producer(ProducerOptions.defaults()).send(internal, "EOS"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_STREAM_KEY));
        assertThatThrownBy(() -> s.producer(internal, ProducerOptions.defaults()))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_STREAM_KEY));
    }

    @Test
    void anUnanchoredProducerNeedsAKey() {
        Producer p = io.connect().producer(ProducerOptions.defaults());
        assertThat(p.anchor()).isEmpty();
        assertThatThrownBy(() -> p.send("x"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.NOT_ANCHORED));
    }

    @Test
    void flushReturnsOnceEverythingSentIsWrittenAndFlushed() {
        Producer p = io.connect().producer(StreamKey.of("many"), ProducerOptions.defaults());
        List<CompletableFuture<Receipt>> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            sent.add(p.send("m" + i));
        }
        p.flush();
        assertThat(sent).allMatch(CompletableFuture::isDone);
        assertThat(io.output.lines()).hasSize(1000).last().isEqualTo("[2024-05-06T07:08:09 | many | 999] m999");
        assertThat(io.output.flushes()).isPositive();
        // Queued lines are written in batches: never more writes than lines.
        assertThat(io.output.writes()).isBetween(1, 1000);
    }

    @Test
    void concurrentProducersNeverInterleaveLines() throws InterruptedException {
        Streamer s = io.connect();
        int threads = 8;
        int each = 500;
        StreamKey key = StreamKey.of("shared");
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Producer p = s.producer(key, ProducerOptions.defaults());
            String filler = String.valueOf((char) ('a' + t)).repeat(200 + t * 37);
            int id = t;
            workers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    p.send(id + ":" + i + ":" + filler);
                }
                p.flush();
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        Pattern line = Pattern.compile("^\\[2024-05-06T07:08:09 \\| shared \\| (\\d+)\\] (\\d):(\\d+):([a-h]+)$");
        List<String> lines = io.output.lines();
        assertThat(lines).hasSize(threads * each);
        Map<Integer, Integer> nextOfThread = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = line.matcher(lines.get(i));
            assertThat(m.matches()).as("line %d is whole: %s", i, lines.get(i)).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as("seq of line %d", i).isEqualTo(i);
            int thread = Integer.parseInt(m.group(2));
            assertThat(m.group(4)).isEqualTo(String.valueOf((char) ('a' + thread)).repeat(200 + thread * 37));
            int expected = nextOfThread.getOrDefault(thread, 0);
            assertThat(Integer.parseInt(m.group(3))).as("order of producer %d", thread).isEqualTo(expected);
            nextOfThread.put(thread, expected + 1);
        }
    }

    @Test
    void aFailingOutputFailsTheReceiptsWithIo() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        Producer p = io.connect(o -> o.with(StdioOptions.OUTPUT, broken)).producer(StreamKey.of("b"), ProducerOptions.defaults());
        StreamException first = failure(p.send("x"));
        assertThat(first.kind()).isEqualTo(StreamException.Kind.IO);
        assertThat(first).hasMessageContaining("Broken pipe");
        assertThat(failure(p.send("y")).kind()).isEqualTo(StreamException.Kind.IO);
        p.flush();
    }

    @Test
    void closingFlushesAndRefusesLaterSends() {
        Streamer s = io.connect();
        Producer p = s.producer(StreamKey.of("c"), ProducerOptions.defaults());
        for (int i = 0; i < 100; i++) {
            p.send("m" + i);
        }
        s.close();
        assertThat(io.output.lines()).hasSize(100);
        assertThatThrownBy(() -> p.send("late"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CLOSED));
        assertThatThrownBy(() -> s.producer(ProducerOptions.defaults()))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CLOSED));
        s.close();
    }

    @Test
    void aClosedProducerRefusesSendsWhileItsConnectionGoesOn() {
        Streamer s = io.connect();
        Producer p = s.producer(StreamKey.of("c"), ProducerOptions.defaults());
        await(p.send("x"));
        p.close();
        p.close();
        assertThatThrownBy(() -> p.send("y"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CLOSED));
        assertThat(await(s.producer(StreamKey.of("c"), ProducerOptions.defaults()).send("z")).seq()).isEqualTo(SeqNo.of(1));
    }

    @Test
    void producerOptionsOfStdioAreRejected() {
        Streamer s = io.connect();
        assertThatThrownBy(() -> s.producer(ProducerOptions.defaults().with("stdio.nope", "1")))
                .isInstanceOfSatisfying(StreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION);
                    assertThat(e).hasMessageContaining("stdio.nope");
                });
    }
}
