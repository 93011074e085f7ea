package dev.tide;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Durations as people type them on a command line: {@code 100ms}, {@code 1s}, {@code 5m}. */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses a whole number followed by a unit ({@code ns}, {@code us}, {@code ms}, {@code s}, {@code m},
     * {@code h}), or an ISO-8601 duration such as {@code PT1.5S}.
     *
     * @param text the text
     * @return the duration, zero or positive
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Duration parse(String text) {
        String t = text.strip();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                Duration d = Duration.parse(t);
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
            throw invalid(text);
        }
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 18) {
            throw invalid(text);
        }
        long n = Long.parseLong(t, 0, i, 10);
        return switch (t.substring(i).strip()) {
            case "ns" -> Duration.ofNanos(n);
            case "us", "µs" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw invalid(text);
        };
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration \"" + text
                + "\": expected a whole number and a unit (ns, us, ms, s, m, h), such as 100ms or 1s");
    }
}
