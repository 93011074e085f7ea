package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.Producer;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.SeqNo;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ClockCommandTest {

    private static final long MS = 1_000_000L;

    @Test
    void sends_count_ticks_from_zero_in_seastreamers_payload_format() {
        String url = "mem:///" + Cli.uniqueKey("clock");

        Cli.Result r = Cli.run("clock", "--stream", url, "--interval", "100ms", "--count", "5");

        assertThat(r.status()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(Streams.payloads(url, 5)).containsExactly(
                "{ \"tick\": 0 }", "{ \"tick\": 1 }", "{ \"tick\": 2 }", "{ \"tick\": 3 }", "{ \"tick\": 4 }");
    }

    @Test
    void ticks_on_a_fixed_grid_so_slow_sends_cause_no_drift() {
        VirtualPacer pacer = new VirtualPacer(5_000);
        // each send takes 30 ms, and the third one 250 ms: later ticks stay on the 100 ms grid
        SlowProducer producer = new SlowProducer(pacer, 30 * MS, 2, 250 * MS);

        long sent = assertSends(producer, pacer, 6);

        assertThat(sent).isEqualTo(6);
        assertThat(pacer.deadlines()).containsExactlyElementsOf(
                LongStream.range(0, 6).mapToObj(i -> 5_000 + i * 100 * MS).toList());
        assertThat(producer.payloads).containsExactlyElementsOf(Streams.ticks(6));
        // tick 3 was due at 300 ms but the clock was busy until 450 ms: it went out at once, and tick 4
        // (due at 400 ms) right after it; tick 5 was on time again
        assertThat(producer.sentAt).containsExactly(
                5_000L, 5_000 + 100 * MS, 5_000 + 200 * MS, 5_000 + 450 * MS, 5_000 + 480 * MS, 5_000 + 510 * MS);
    }

    @Test
    void a_failed_send_stops_the_clock_with_its_error() {
        VirtualPacer pacer = new VirtualPacer(0);
        SlowProducer producer = new SlowProducer(pacer, 0, -1, 0);
        producer.failFrom = 2;

        assertThatThrownBy(() -> Ticks.send(producer, Duration.ofMillis(10), -1, pacer, new SendTracker(), n -> { }))
                .isInstanceOf(StreamException.class)
                .hasMessage("stored nothing");
        assertThat(producer.payloads).hasSize(3);
    }

    @Test
    void parses_clock_payloads_back() {
        assertThat(Ticks.parse(Ticks.payload(42))).isEqualTo(42);
        assertThat(Ticks.parse("{\"tick\":7}")).isEqualTo(7);
        assertThatThrownBy(() -> Ticks.parse("{ \"tock\": 1 }"))
                .isInstanceOfSatisfying(StreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.FORMAT))
                .hasMessageContaining("{ \"tock\": 1 }");
    }

    private static long assertSends(Producer producer, VirtualPacer pacer, long count) {
        try {
            return Ticks.send(producer, Duration.ofMillis(100), count, pacer, new SendTracker(), n -> { });
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A producer whose sends take virtual time; it records what was sent and when. */
    private static final class SlowProducer implements Producer {

        final List<String> payloads = new ArrayList<>();
        final List<Long> sentAt = new ArrayList<>();
        private final VirtualPacer pacer;
        private final long cost;
        private final int slowIndex;
        private final long slowCost;
        int failFrom = Integer.MAX_VALUE;

        SlowProducer(VirtualPacer pacer, long cost, int slowIndex, long slowCost) {
            this.pacer = pacer;
            this.cost = cost;
            this.slowIndex = slowIndex;
            this.slowCost = slowCost;
        }

        @Override
        public CompletableFuture<Receipt> send(StreamKey key, byte[] payload) {
            int index = payloads.size();
            payloads.add(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
            sentAt.add(pacer.nanoTime());
            pacer.advance(index == slowIndex ? slowCost : cost);
            if (index >= failFrom) {
                return CompletableFuture.failedFuture(new StreamException(StreamException.Kind.IO, "stored nothing"));
            }
            return CompletableFuture.completedFuture(
                    new Receipt(key, ShardId.ZERO, SeqNo.of(index), Instant.EPOCH));
        }

        @Override
        public CompletableFuture<Receipt> send(StreamKey key, ShardId shard, byte[] payload) {
            return send(key, payload);
        }

        @Override
        public Optional<StreamKey> anchor() {
            return Optional.of(StreamKey.of("ticks"));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
