package dev.tide.stdio;

import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import dev.tide.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/*
 * SeaStreamer's stdio line grammar (sea-streamer-stdio parser::parse_meta), reproduced exactly:
 *
 *   line    := meta? payload
 *   meta    := '[' inner ']'      inner: one or more characters, none of them ']', starting at column 0
 *   inner   := part ('|' part)*   every part trimmed of Unicode white space
 *   payload := with meta: the rest after the first ']', trimmed; without meta: the whole line, untouched
 *
 * Parts are taken by a positional state machine; each part must be used or the line is rejected with
 * "Unknown part: <part>":
 *   1. a timestamp, only while nothing is set yet (YYYY-MM-DDTHH:MM:SS with an optional fraction, UTC);
 *   2. else a stream key, if none yet (the whole part is 1 to 249 of [A-Za-z0-9._-]);
 *   3. else a sequence number, if there is a key and no sequence number or shard yet (decimal u64);
 *   4. else a shard, if there is a key and a sequence number and no shard yet (decimal u64).
 * A line without a well-formed meta ("[]", "[k", "x [k]") is a raw payload. Lines must be valid UTF-8
 * (SeaStreamer reads them into a String); anything else is rejected too.
 *
 * The parser works on a line's bytes and reports the payload as a byte range of the same array, so the
 * message can share the line's bytes.
 */
final class LineParser {

    private LineParser() {
    }

    /**
     * Parses one line (without its line terminator).
     *
     * @param bytes the array holding the line
     * @param from where the line starts
     * @param to one past its last byte
     * @return the parts and payload range, or the reason the line is rejected; never throws
     */
    static ParsedLine parse(byte[] bytes, int from, int to) {
        int bad = Utf8.invalidAt(bytes, from, to);
        if (bad >= 0) {
            return new ParsedLine.Malformed("invalid UTF-8 at byte " + (bad - from));
        }
        if (to - from < 3 || bytes[from] != '[' || bytes[from + 1] == ']') {
            return raw(from, to);
        }
        int close = -1;
        for (int i = from + 1; i < to; i++) {
            if (bytes[i] == ']') {
                close = i;
                break;
            }
        }
        if (close < 0) {
            return raw(from, to);
        }
        // ']' and '|' are ASCII, so they never occur inside a multi-byte sequence: the byte indices are exact.
        String inner = new String(bytes, from + 1, close - from - 1, StandardCharsets.UTF_8);
        Instant timestamp = null;
        StreamKey key = null;
        SeqNo seq = null;
        ShardId shard = null;
        int start = 0;
        while (true) {
            int bar = inner.indexOf('|', start);
            String part = trim(inner, start, bar < 0 ? inner.length() : bar);
            boolean used = false;
            if (timestamp == null && key == null && seq == null && shard == null) {
                Optional<Instant> t = parseTimestamp(part);
                if (t.isPresent()) {
                    timestamp = t.get();
                    used = true;
                }
            }
            if (!used && key == null && StreamKey.isValid(part)) {
                key = StreamKey.of(part);
                used = true;
            }
            if (!used && key != null && seq == null && shard == null && isU64(part)) {
                seq = SeqNo.of(parseU64(part));
                used = true;
            }
            if (!used && key != null && seq != null && shard == null && isU64(part)) {
                shard = ShardId.of(parseU64(part));
                used = true;
            }
            if (!used) {
                return new ParsedLine.Malformed("Unknown part: " + part);
            }
            if (bar < 0) {
                break;
            }
            start = bar + 1;
        }
        // The payload is trimmed as text; find its byte range by decoding the rest and measuring.
        String rest = new String(bytes, close + 1, to - close - 1, StandardCharsets.UTF_8);
        int begin = 0;
        int end = rest.length();
        while (begin < end && isWhiteSpace(rest.charAt(begin))) {
            begin++;
        }
        while (end > begin && isWhiteSpace(rest.charAt(end - 1))) {
            end--;
        }
        int offset = close + 1 + Utf8.encodedLength(rest, 0, begin);
        int length = Utf8.encodedLength(rest, begin, end);
        return new ParsedLine.Parsed(Optional.ofNullable(timestamp), Optional.ofNullable(key), Optional.ofNullable(seq),
                Optional.ofNullable(shard), offset, length);
    }

    /**
     * SeaStreamer's timestamp part: {@link Timestamps#tryParse} plus the optional sign the time crate
     * accepts before a four-digit year ({@code +2022-…}, {@code -0044-…}).
     */
    static Optional<Instant> parseTimestamp(String part) {
        if (part.startsWith("+") || part.startsWith("-")) {
            Optional<Instant> unsigned = Timestamps.tryParse(part.substring(1));
            if (unsigned.isEmpty() || part.charAt(0) == '+') {
                return unsigned;
            }
            // Negating a proleptic Gregorian year keeps its leap-ness, so the date stays valid.
            LocalDateTime d = LocalDateTime.ofInstant(unsigned.get(), ZoneOffset.UTC);
            return Optional.of(d.withYear(-d.getYear()).toInstant(ZoneOffset.UTC));
        }
        return Timestamps.tryParse(part);
    }

    private static ParsedLine raw(int from, int to) {
        return new ParsedLine.Parsed(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), from, to - from);
    }

    /** Rust's {@code str::trim}: removes characters with the Unicode White_Space property from both ends. */
    static String trim(String s, int from, int to) {
        while (from < to && isWhiteSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isWhiteSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    /**
     * The Unicode White_Space property (what Rust trims), which differs from {@link Character#isWhitespace}:
     * it includes U+0085, U+00A0, U+2007 and U+202F and excludes U+001C to U+001F.
     */
    static boolean isWhiteSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /** Rust's {@code u64::from_str}: an optional '+', then one or more ASCII digits, at most 2^64 - 1. */
    static boolean isU64(String s) {
        int i = s.startsWith("+") ? 1 : 0;
        if (i == s.length()) {
            return false;
        }
        long value = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            int digit = c - '0';
            // value * 10 + digit must stay below 2^64 (compared as unsigned).
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - digit, 10)) > 0) {
                return false;
            }
            value = value * 10 + digit;
        }
        return true;
    }

    /** Parses what {@link #isU64} accepted. */
    static long parseU64(String s) {
        return Long.parseUnsignedLong(s.startsWith("+") ? s.substring(1) : s);
    }
}
