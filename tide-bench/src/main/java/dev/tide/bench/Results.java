package dev.tide.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whole-run throughput samples of several contestants of one workload, printed as a Markdown table:
 * one row per contestant with the median, minimum and maximum rate over its measured runs.
 *
 * <p>A sample is one complete run (all messages of the workload), recorded as messages per second;
 * a contestant that reports its own rate (an external tool) adds that rate directly. MB/s counts payload
 * bytes only (10^6 bytes per MB), the same for every contestant of a table.
 */
final class Results {

    private record Row(List<Double> rates, String note) {
    }

    private final String title;
    private final long messages;
    private final int payloadSize;
    private final Map<String, Row> rows = new LinkedHashMap<>();

    /**
     * @param title the workload, as the table's caption
     * @param messages messages per run
     * @param payloadSize payload bytes per message
     */
    Results(String title, long messages, int payloadSize) {
        this.title = title;
        this.messages = messages;
        this.payloadSize = payloadSize;
    }

    /** Declares a contestant, so rows keep the declaration order; {@code note} goes in the last column. */
    Results contestant(String name, String note) {
        rows.put(name, new Row(new ArrayList<>(), note));
        return this;
    }

    /** Adds a run of {@code messages} messages that took {@code nanos}. */
    void addRun(String name, long nanos) {
        addRate(name, messages / (nanos / 1e9));
    }

    /** Adds a run's rate, as the contestant measured it itself. */
    void addRate(String name, double messagesPerSecond) {
        Row row = rows.get(name);
        if (row == null) {
            throw new IllegalArgumentException("unknown contestant: " + name);
        }
        row.rates().add(messagesPerSecond);
        System.out.printf(Locale.ROOT, "  %-44s %,12.0f msg/s%n", name, messagesPerSecond);
    }

    /** The median rate of a contestant's runs (NaN without runs). */
    double median(String name) {
        List<Double> r = new ArrayList<>(rows.get(name).rates());
        if (r.isEmpty()) {
            return Double.NaN;
        }
        r.sort(null);
        int n = r.size();
        return n % 2 == 1 ? r.get(n / 2) : (r.get(n / 2 - 1) + r.get(n / 2)) / 2;
    }

    /** The table, in Markdown. */
    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s — %,d messages × %d B per run%n%n", title, messages, payloadSize));
        b.append("| contestant | runs | median msg/s | min msg/s | max msg/s | median MB/s | median time (s) | notes |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            List<Double> r = e.getValue().rates();
            if (r.isEmpty()) {
                continue;
            }
            double med = median(e.getKey());
            double min = r.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double max = r.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            b.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %,.0f | %.1f | %.3f | %s |%n",
                    e.getKey(), r.size(), med, min, max, med * payloadSize / 1e6, messages / med, e.getValue().note()));
        }
        return b.toString();
    }

    /** A ratio line: {@code a}'s median over {@code b}'s, against a target ratio. */
    String ratio(String a, String b, double target) {
        double ratio = median(a) / median(b);
        return String.format(Locale.ROOT, "- %s / %s = %.2f (target ≥ %.2f): %s%n", a, b, ratio, target,
                ratio >= target ? "met" : "MISSED");
    }

    /** An absolute target line: {@code a}'s median against a rate. */
    String atLeast(String a, double target) {
        double med = median(a);
        return String.format(Locale.ROOT, "- %s = %,.0f msg/s (target ≥ %,.0f): %s%n", a, med, target,
                med >= target ? "met" : "MISSED");
    }
}
