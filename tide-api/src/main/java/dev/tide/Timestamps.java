package dev.tide;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * SeaStreamer's timestamp text: {@code YYYY-MM-DDTHH:MM:SS} with an optional fraction, always UTC and
 * without a zone suffix. Used by the stdio line format, the file decoder's output and the command line.
 */
public final class Timestamps {

    private Timestamps() {
    }

    /**
     * Formats with the fraction trimmed of trailing zeros but at least one digit:
     * {@code 2022-01-01T00:00:00.0}, {@code …:00.75}, {@code …:00.123456789}.
     *
     * @param t the instant
     * @return the text, UTC
     */
    public static String format(Instant t) {
        StringBuilder sb = new StringBuilder(32);
        appendSeconds(sb, t);
        sb.append('.');
        int nanos = t.getNano();
        if (nanos == 0) {
            return sb.append('0').toString();
        }
        String digits = Integer.toString(nanos + 1_000_000_000).substring(1);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return sb.append(digits, 0, end).toString();
    }

    /**
     * Formats whole seconds: {@code 2022-01-01T00:00:00} (the stdio output format).
     *
     * @param t the instant; its fraction is dropped
     * @return the text, UTC
     */
    public static String formatSeconds(Instant t) {
        StringBuilder sb = new StringBuilder(19);
        appendSeconds(sb, t);
        return sb.toString();
    }

    private static void appendSeconds(StringBuilder sb, Instant t) {
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        pad(sb, d.getYear(), 4).append('-');
        pad(sb, d.getMonthValue(), 2).append('-');
        pad(sb, d.getDayOfMonth(), 2).append('T');
        pad(sb, d.getHour(), 2).append(':');
        pad(sb, d.getMinute(), 2).append(':');
        pad(sb, d.getSecond(), 2);
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

    /**
     * Parses {@code YYYY-MM-DDTHH:MM:SS} or {@code YYYY-MM-DDTHH:MM:SS.f} (one or more fraction digits;
     * digits past the ninth are dropped), as UTC. A space instead of {@code T}, a zone suffix or an
     * offset is rejected.
     *
     * @param text the text
     * @return the instant, or empty if {@code text} is not of that form or names an impossible date
     */
    public static Optional<Instant> tryParse(String text) {
        int n = text.length();
        if (n < 19 || !digits(text, 0, 4) || text.charAt(4) != '-' || !digits(text, 5, 7) || text.charAt(7) != '-'
                || !digits(text, 8, 10) || text.charAt(10) != 'T' || !digits(text, 11, 13) || text.charAt(13) != ':'
                || !digits(text, 14, 16) || text.charAt(16) != ':' || !digits(text, 17, 19)) {
            return Optional.empty();
        }
        int nanos = 0;
        if (n > 19) {
            if (text.charAt(19) != '.' || n == 20 || !digits(text, 20, n)) {
                return Optional.empty();
            }
            for (int i = 0; i < 9; i++) {
                nanos = nanos * 10 + (20 + i < n ? text.charAt(20 + i) - '0' : 0);
            }
        }
        try {
            LocalDateTime d = LocalDateTime.of(num(text, 0, 4), num(text, 5, 7), num(text, 8, 10),
                    num(text, 11, 13), num(text, 14, 16), num(text, 17, 19), nanos);
            return Optional.of(d.toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses like {@link #tryParse}, failing on bad input.
     *
     * @param text the text
     * @return the instant
     * @throws StreamException {@link StreamException.Kind#FORMAT} naming the text and the expected form
     */
    public static Instant parse(String text) {
        return tryParse(text).orElseThrow(() -> new StreamException(StreamException.Kind.FORMAT,
                "invalid timestamp \"" + text + "\": expected YYYY-MM-DDTHH:MM:SS[.fraction] in UTC"));
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int num(String s, int from, int to) {
        return Integer.parseInt(s, from, to, 10);
    }
}
