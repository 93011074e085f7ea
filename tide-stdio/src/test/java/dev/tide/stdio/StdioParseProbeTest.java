package dev.tide.stdio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every line of SeaStreamer's stdio parse probe ({@code stdio-parse-probe.txt}: what SeaStreamer's own
 * parser made of each input line) is one case: Tide's parser must accept the same lines with the same
 * parts and payload, and reject the others with the same message. {@code ts=NOW} (a raw line) and
 * {@code ts=None} (a header without a timestamp) both mean "no timestamp given".
 */
class StdioParseProbeTest {

    private static final Pattern PROBE = Pattern.compile("^PROBE \"((?:[^\"\\\\]|\\\\.)*)\" => (OK|ERR) ?(.*)$");
    private static final Pattern OK = Pattern.compile("^ts=(NOW|None|\\(([-0-9, ]+)\\)) key=(None|Some\\(\"([^\"]*)\"\\)) "
            + "seq=(None|Some\\((\\d+)\\)) shard=(None|Some\\((\\d+)\\)) payload=\"((?:[^\"\\\\]|\\\\.)*)\"$");

    record Probe(int lineNumber, String input, boolean ok, String expectation) {
        @Override
        public String toString() {
            return "line " + lineNumber + ": " + input;
        }
    }

    static List<Probe> probes() throws IOException {
        List<Probe> probes = new ArrayList<>();
        try (InputStream in = StdioParseProbeTest.class.getResourceAsStream("/stdio-parse-probe.txt")) {
            assertThat(in).as("the probe file on the test class path").isNotNull();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                Matcher m = PROBE.matcher(lines[i]);
                assertThat(m.matches()).as("probe line %d is well-formed: %s", i + 1, lines[i]).isTrue();
                probes.add(new Probe(i + 1, unescape(m.group(1)), m.group(2).equals("OK"), m.group(3)));
            }
        }
        return probes;
    }

    static Stream<Arguments> cases() throws IOException {
        return probes().stream().map(Arguments::of);
    }

    @Test
    void theProbeFileHasAllItsCases() throws IOException {
        List<Probe> probes = probes();
        assertThat(probes).hasSize(35);
        assertThat(probes).filteredOn(Probe::ok).hasSize(24);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parsesLikeSeaStreamer(Probe probe) {
        byte[] bytes = probe.input().getBytes(StandardCharsets.UTF_8);
        ParsedLine result = LineParser.parse(bytes, 0, bytes.length);
        if (!probe.ok()) {
            assertThat(result).isEqualTo(new ParsedLine.Malformed(probe.expectation()));
            return;
        }
        Matcher m = OK.matcher(probe.expectation());
        assertThat(m.matches()).as("expectation is well-formed: %s", probe.expectation()).isTrue();
        assertThat(result).isInstanceOf(ParsedLine.Parsed.class);
        ParsedLine.Parsed parsed = (ParsedLine.Parsed) result;

        Optional<Instant> ts = m.group(2) == null ? Optional.empty() : Optional.of(instant(m.group(2)));
        Optional<StreamKey> key = m.group(4) == null ? Optional.empty() : Optional.of(StreamKey.of(m.group(4)));
        Optional<SeqNo> seq = m.group(6) == null ? Optional.empty() : Optional.of(SeqNo.parse(m.group(6)));
        Optional<ShardId> shard = m.group(8) == null ? Optional.empty()
                : Optional.of(ShardId.of(Long.parseUnsignedLong(m.group(8))));
        String payload = unescape(m.group(9));

        assertThat(parsed.timestamp()).as("timestamp").isEqualTo(ts);
        assertThat(parsed.key()).as("key").isEqualTo(key);
        assertThat(parsed.seq()).as("seq").isEqualTo(seq);
        assertThat(parsed.shard()).as("shard").isEqualTo(shard);
        assertThat(new String(bytes, parsed.payloadOffset(), parsed.payloadLength(), StandardCharsets.UTF_8))
                .as("payload").isEqualTo(payload);
    }

    /** {@code (2022, 1, 1, 0, 0, 0, 123000000)}: year, month, day, hour, minute, second, nanosecond. */
    private static Instant instant(String tuple) {
        int[] f = Stream.of(tuple.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
        return LocalDateTime.of(f[0], f[1], f[2], f[3], f[4], f[5], f[6]).toInstant(ZoneOffset.UTC);
    }

    /** Undoes Rust's {@code {:?}} string escaping. */
    static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case '0' -> sb.append('\0');
                case 'u' -> {
                    int close = s.indexOf('}', i);
                    sb.appendCodePoint(Integer.parseInt(s.substring(i + 2, close), 16));
                    i = close;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }
}
