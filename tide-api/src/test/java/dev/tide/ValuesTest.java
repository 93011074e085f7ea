package dev.tide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The small value types: sequence numbers, shards, positions, timestamps, durations, messages. */
class ValuesTest {

    private static final MessageHeader HEADER =
            new MessageHeader(StreamKey.of("k"), ShardId.of(3), SeqNo.of(7), Instant.parse("2022-01-01T00:00:00.5Z"));

    @Test
    void seqNoIsUnsigned() {
        SeqNo max = SeqNo.parse("18446744073709551615");
        assertThat(max.toString()).isEqualTo("18446744073709551615");
        assertThat(max).isGreaterThan(SeqNo.of(1));
        assertThatThrownBy(() -> SeqNo.parse("18446744073709551616")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> SeqNo.parse("-1")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> SeqNo.parse("+1")).isInstanceOf(NumberFormatException.class);
        assertThat(SeqNo.of(1).next()).isEqualTo(SeqNo.of(2));
    }

    @Test
    void shardPrintsAsANumber() {
        assertThat(ShardId.of(3).toString()).isEqualTo("3");
        assertThat(ShardId.of(-1).toString()).isEqualTo("18446744073709551615");
        assertThat(ShardId.of(0)).isSameAs(ShardId.ZERO);
    }

    @Test
    void seqPosPatternMatches() {
        SeqPos pos = SeqPos.at(5);
        String described = switch (pos) {
            case SeqPos.Beginning b -> "beginning";
            case SeqPos.End e -> "end";
            case SeqPos.At at -> "at " + at.seq();
        };
        assertThat(described).isEqualTo("at 5");
        assertThat(SeqPos.BEGINNING.toString()).isEqualTo("BEGINNING");
    }

    @Test
    void timestampsTrimTheFraction() {
        assertThat(Timestamps.format(Instant.parse("2022-01-01T00:00:00Z"))).isEqualTo("2022-01-01T00:00:00.0");
        assertThat(Timestamps.format(Instant.parse("2022-01-01T00:00:00.750Z"))).isEqualTo("2022-01-01T00:00:00.75");
        assertThat(Timestamps.format(Instant.parse("2022-01-01T00:00:00.001Z"))).isEqualTo("2022-01-01T00:00:00.001");
        assertThat(Timestamps.format(Instant.parse("2023-02-24T08:13:10.123456789Z"))).isEqualTo("2023-02-24T08:13:10.123456789");
        assertThat(Timestamps.formatSeconds(Instant.parse("2023-02-24T08:13:10.9Z"))).isEqualTo("2023-02-24T08:13:10");
    }

    @Test
    void timestampsParseSeaStreamerText() {
        assertThat(Timestamps.tryParse("2022-01-01T00:00:00")).contains(Instant.parse("2022-01-01T00:00:00Z"));
        assertThat(Timestamps.tryParse("2022-01-01T00:00:00.123")).contains(Instant.parse("2022-01-01T00:00:00.123Z"));
        assertThat(Timestamps.tryParse("2022-01-01T00:00:00.1234567891")).contains(Instant.parse("2022-01-01T00:00:00.123456789Z"));
        assertThat(Timestamps.tryParse("2022-01-01 00:00:00")).isEmpty();
        assertThat(Timestamps.tryParse("2022-01-01T00:00:00Z")).isEmpty();
        assertThat(Timestamps.tryParse("2022-01-01T00:00:00+00:00")).isEmpty();
        assertThat(Timestamps.tryParse("2022-01-01T00:00:00.")).isEmpty();
        assertThat(Timestamps.tryParse("2022-02-30T00:00:00")).isEmpty();
        assertThat(Timestamps.tryParse("Jan 1, 2022")).isEmpty();
        assertThatThrownBy(() -> Timestamps.parse("yesterday"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.FORMAT))
                .hasMessageContaining("yesterday");
    }

    @Test
    void durationsParseCommandLineText() {
        assertThat(Durations.parse("100ms")).isEqualTo(Duration.ofMillis(100));
        assertThat(Durations.parse("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Durations.parse("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> Durations.parse("1 fortnight")).hasMessageContaining("1 fortnight");
        assertThatThrownBy(() -> Durations.parse("-1s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("ms")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messagesShareTheirBytes() {
        byte[] bytes = "[k] hello".getBytes(StandardCharsets.UTF_8);
        Message m = Message.of(HEADER, bytes, 4, 5);
        assertThat(m.asString()).isEqualTo("hello");
        assertThat(m.size()).isEqualTo(5);
        assertThat(m.byteAt(0)).isEqualTo((byte) 'h');
        assertThat(m.slice(1, 3).asString()).isEqualTo("ell");
        assertThat(m.buffer().isReadOnly()).isTrue();
        assertThat(m.buffer().remaining()).isEqualTo(5);
        assertThat(m.bytes()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(m).isEqualTo(Message.of(HEADER, "hello".getBytes(StandardCharsets.UTF_8)));
        assertThat(m.key().name()).isEqualTo("k");
        assertThat(m.seq()).isEqualTo(SeqNo.of(7));
        assertThatThrownBy(() -> m.slice(3, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.byteAt(5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void invalidUtf8IsAFormatErrorNamingTheOffset() {
        Message m = Message.of(HEADER, new byte[] {'o', 'k', (byte) 0xC3});
        assertThat(m.isUtf8()).isFalse();
        assertThatThrownBy(m::asString)
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.FORMAT))
                .hasMessageContaining("byte 2");
        assertThat(m.toString()).contains("<3 bytes>");
    }

    @Test
    void receiptsAndHeadersAgree() {
        assertThat(Receipt.of(HEADER).header()).isEqualTo(HEADER);
        assertThat(HEADER.toString()).isEqualTo("[2022-01-01T00:00:00.5 | k | 7 | 3]");
    }

    @Test
    void exceptionKindsKnowWhetherToRetry() {
        assertThat(new StreamException(StreamException.Kind.CONNECT, "x").isRetriable()).isTrue();
        assertThat(new StreamException(StreamException.Kind.INVALID_URI, "x").isRetriable()).isFalse();
        Thread.interrupted();
        StreamException e = StreamException.interrupted(new InterruptedException(), "waiting");
        assertThat(Thread.interrupted()).isTrue();
        assertThat(e.kind()).isEqualTo(StreamException.Kind.INTERRUPTED);
    }
}
