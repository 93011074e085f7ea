package dev.tide.stdio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The line grammar beyond the probe table, and properties over random input. */
class LineParserTest {

    private static ParsedLine parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return LineParser.parse(b, 0, b.length);
    }

    private static ParsedLine.Parsed parsed(String line) {
        ParsedLine p = parse(line);
        assertThat(p).as(line).isInstanceOf(ParsedLine.Parsed.class);
        return (ParsedLine.Parsed) p;
    }

    private static String payload(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        ParsedLine.Parsed p = (ParsedLine.Parsed) LineParser.parse(b, 0, b.length);
        return new String(b, p.payloadOffset(), p.payloadLength(), StandardCharsets.UTF_8);
    }

    @Test
    void rawLinesKeepEverythingIncludingWhiteSpaceAndCarriageReturns() {
        assertThat(payload("  spaced  \r")).isEqualTo("  spaced  \r");
        assertThat(parsed("  spaced").key()).isEmpty();
    }

    @Test
    void payloadAfterHeaderIsTrimmedOfUnicodeWhiteSpaceLikeRust() {
        // U+00A0 and U+3000 are White_Space (Rust trims them); U+001F is not (Java's isWhitespace says it is).
        assertThat(payload("[k]\u00A0\u3000x y\u2029\r")).isEqualTo("x y");
        assertThat(payload("[k] \u001Fx")).isEqualTo("\u001Fx");
        assertThat(parsed("[\u00A0k\u3000]x").key()).contains(StreamKey.of("k"));
    }

    @Test
    void payloadOffsetsAreBytesAfterMultiByteWhiteSpace() {
        byte[] b = "[k]\u3000héllo wörld\u3000".getBytes(StandardCharsets.UTF_8);
        ParsedLine.Parsed p = (ParsedLine.Parsed) LineParser.parse(b, 0, b.length);
        assertThat(p.payloadOffset()).isEqualTo(3 + 3);
        assertThat(new String(b, p.payloadOffset(), p.payloadLength(), StandardCharsets.UTF_8)).isEqualTo("héllo wörld");
    }

    @Test
    void parsesWithinALargerArray() {
        byte[] b = "xx[k | 7] payload yy".getBytes(StandardCharsets.UTF_8);
        ParsedLine.Parsed p = (ParsedLine.Parsed) LineParser.parse(b, 2, b.length - 3);
        assertThat(p.key()).contains(StreamKey.of("k"));
        assertThat(p.seq()).contains(SeqNo.of(7));
        assertThat(new String(b, p.payloadOffset(), p.payloadLength(), StandardCharsets.UTF_8)).isEqualTo("payload");
    }

    @Test
    void numbersAcceptAPlusSignLikeRustButNoOtherForm() {
        assertThat(parsed("[k | +5 | +6] x").seq()).contains(SeqNo.of(5));
        assertThat(parsed("[k | +5 | +6] x").shard()).contains(ShardId.of(6));
        assertThat(parse("[k | +] x")).isEqualTo(new ParsedLine.Malformed("Unknown part: +"));
        assertThat(parse("[k | ++1] x")).isEqualTo(new ParsedLine.Malformed("Unknown part: ++1"));
        assertThat(parse("[k | 1_000] x")).isEqualTo(new ParsedLine.Malformed("Unknown part: 1_000"));
        // Arabic-Indic digits are digits to Java's Character.digit, not to Rust.
        assertThat(parse("[k | \u0663] x")).isEqualTo(new ParsedLine.Malformed("Unknown part: \u0663"));
        assertThat(parsed("[k | 0 | 18446744073709551615] x").shard()).contains(ShardId.of(-1L));
        assertThat(parse("[k | 0 | 18446744073709551616] x"))
                .isEqualTo(new ParsedLine.Malformed("Unknown part: 18446744073709551616"));
    }

    @Test
    void timestampsAcceptTheYearSignOfTheTimeCrate() {
        assertThat(parsed("[+2022-01-01T00:00:00] x").timestamp()).contains(Instant.parse("2022-01-01T00:00:00Z"));
        assertThat(parsed("[-0044-03-15T12:00:00] x").timestamp()).contains(Instant.parse("-0044-03-15T12:00:00Z"));
        assertThat(parse("[2022-02-30T00:00:00 | k] x")).isEqualTo(new ParsedLine.Malformed("Unknown part: 2022-02-30T00:00:00"));
        assertThat(parse("[2022-01-01T00:00:00. | k] x")).isEqualTo(new ParsedLine.Malformed("Unknown part: 2022-01-01T00:00:00."));
    }

    @Test
    void aTimestampCountsOnlyAsTheFirstPart() {
        assertThat(parse("[k | 2022-01-01T00:00:00] x"))
                .isEqualTo(new ParsedLine.Malformed("Unknown part: 2022-01-01T00:00:00"));
        // A date without time is a valid stream key.
        assertThat(parsed("[2022-01-01] x").key()).contains(StreamKey.of("2022-01-01"));
    }

    @Test
    void emptyPartsAreUnknown() {
        assertThat(parse("[k |] x")).isEqualTo(new ParsedLine.Malformed("Unknown part: "));
        assertThat(parse("[| k] x")).isEqualTo(new ParsedLine.Malformed("Unknown part: "));
    }

    @Test
    void keysLongerThan249AreUnknownParts() {
        String longest = "k".repeat(249);
        assertThat(parsed("[" + longest + "] x").key()).contains(StreamKey.of(longest));
        assertThat(parse("[" + longest + "k] x")).isEqualTo(new ParsedLine.Malformed("Unknown part: " + longest + "k"));
    }

    @Test
    void theReservedKeyParsesLikeAnyOther() {
        assertThat(parsed("[SEA_STREAMER_INTERNAL] EOS").key()).contains(StreamKey.of("SEA_STREAMER_INTERNAL"));
    }

    @Test
    void nonUtf8LinesAreRejectedWithTheByteOffset() {
        byte[] b = {'[', 'k', ']', ' ', 'a', (byte) 0xC3, 'b'};
        assertThat(LineParser.parse(b, 0, b.length)).isEqualTo(new ParsedLine.Malformed("invalid UTF-8 at byte 5"));
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        assertThat(LineParser.parse(surrogate, 0, 3)).isEqualTo(new ParsedLine.Malformed("invalid UTF-8 at byte 0"));
    }

    @Test
    void absentPartsAreEmpty() {
        ParsedLine.Parsed p = parsed("[2022-01-01T00:00:00] x");
        assertThat(p.key()).isEmpty();
        assertThat(p.seq()).isEmpty();
        assertThat(p.shard()).isEmpty();
        assertThat(p.timestamp()).isEqualTo(Optional.of(Instant.parse("2022-01-01T00:00:00Z")));
    }

    // ---------------------------------------------------------------------------------------------
    // Properties

    // Random inputs come from fixed seeds, so every run checks the same cases and a failure names its input.

    private static byte[] randomBytes(Random random, int maxLength, byte[] bias) {
        byte[] b = new byte[random.nextInt(maxLength + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = bias.length > 0 && random.nextBoolean() ? bias[random.nextInt(bias.length)] : (byte) random.nextInt(256);
        }
        return b;
    }

    private static String randomString(Random random, String alphabet, int maxLength) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Test
    void randomBytesEndInAParseOrACleanErrorNeverAnException() {
        Random random = new Random(1);
        byte[] bias = "[]| k0:.-T\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3000; i++) {
            byte[] line = randomBytes(random, 80, bias);
            ParsedLine result = LineParser.parse(line, 0, line.length);
            if (result instanceof ParsedLine.Parsed p) {
                assertThat(p.payloadOffset()).isBetween(0, line.length);
                assertThat(p.payloadOffset() + p.payloadLength()).isBetween(p.payloadOffset(), line.length);
            } else {
                assertThat(((ParsedLine.Malformed) result).reason()).as(Arrays.toString(line)).isNotBlank();
            }
        }
    }

    @Test
    void headerLikeLinesEndInAParseOrACleanError() {
        Random random = new Random(2);
        String[] fixed = {"2022-01-01T00:00:00", "2022-01-01T00:00:00.5", "k", "0", "18446744073709551616", " ", "\u3000"};
        for (int i = 0; i < 3000; i++) {
            String line;
            if (random.nextBoolean()) {
                List<String> parts = new ArrayList<>();
                int n = random.nextInt(6);
                for (int j = 0; j < n; j++) {
                    parts.add(random.nextBoolean() ? randomString(random, "abc09.-_+: T|", 12) : fixed[random.nextInt(fixed.length)]);
                }
                line = "[" + String.join("|", parts) + "] payload";
            } else {
                line = randomString(random, "[]|k0 \u00A0\u00e9", 20);
            }
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            ParsedLine result = LineParser.parse(b, 0, b.length);
            if (result instanceof ParsedLine.Malformed m) {
                assertThat(m.reason()).as(line).startsWith("Unknown part: ");
            } else {
                ParsedLine.Parsed p = (ParsedLine.Parsed) result;
                assertThat(p.payloadOffset() + p.payloadLength()).as(line).isLessThanOrEqualTo(b.length);
            }
        }
    }

    @Test
    void utf8ValidationAgreesWithTheJdkDecoder() {
        // Bytes biased towards lead and continuation bytes so that multi-byte edge cases come up often.
        byte[] interesting = {(byte) 0x41, (byte) 0x7F, (byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xC1, (byte) 0xC2,
            (byte) 0xDF, (byte) 0xE0, (byte) 0xED, (byte) 0xEF, (byte) 0x9F, (byte) 0xA0, (byte) 0xF0, (byte) 0xF4,
            (byte) 0xF5, (byte) 0x8F, (byte) 0x90, (byte) 0xFF};
        Random random = new Random(3);
        for (int i = 0; i < 20000; i++) {
            byte[] bytes = randomBytes(random, 8, interesting);
            boolean jdk;
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
                jdk = true;
            } catch (CharacterCodingException e) {
                jdk = false;
            }
            assertThat(Utf8.isValid(bytes, 0, bytes.length)).as(Arrays.toString(bytes)).isEqualTo(jdk);
        }
    }

    @Test
    void encodedLengthMatchesTheJdkEncoder() {
        Random random = new Random(4);
        for (int i = 0; i < 1000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(40);
            for (int j = 0; j < n; j++) {
                sb.append((char) random.nextInt(Character.MAX_VALUE + 1));
            }
            String valid = new String(sb.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            assertThat(Utf8.encodedLength(valid, 0, valid.length())).isEqualTo(valid.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
