package dev.tide.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON as {@code ss-decode} prints it: SeaStreamer's decoder runs {@code serde_json::from_str::<Value>}
 * on each UTF-8 payload and re-serialises the value compactly. This class reproduces that byte for
 * byte: Jackson's streaming parser checks the grammar (strict RFC 8259, as serde_json), and this class
 * applies serde_json's rules on top — object keys sorted by code point (its map is a {@code BTreeMap}),
 * the last of duplicate keys wins, numbers typed as u64 / i64 / f64 exactly as serde_json's parser
 * (without its {@code float_roundtrip} feature) decides, floats printed the way the {@code ryu} crate
 * prints them, nesting limited to 127 levels, lone surrogate escapes rejected, strings escaped as
 * serde_json escapes them. A payload serde_json would reject is printed as a JSON string instead.
 */
final class SerdeJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(1000)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .maxDocumentLength(-1)
                    .build())
            .build();

    /** serde_json's recursion limit: 128, decremented before each nested array or object. */
    private static final int MAX_DEPTH = 127;

    private static final Comparator<String> CODE_POINT_ORDER = SerdeJson::compareCodePoints;

    private static final double[] POW10 = new double[309];

    static {
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = Double.parseDouble("1e" + i);
        }
    }

    /** Marks a number serde_json refuses ("number out of range"). */
    private static final class OutOfRange extends Exception {
        OutOfRange() {
            super(null, null, false, false);
        }
    }

    private static final OutOfRange OUT_OF_RANGE = new OutOfRange();

    private SerdeJson() {
    }

    /**
     * Appends the payload as ss-decode prints it in ndjson: the re-serialised value if {@code text} is
     * JSON serde_json accepts, else {@code text} as a JSON string.
     */
    static void appendPayload(StringBuilder out, String text) {
        Object value = parse(text);
        if (value == null) {
            appendString(out, text);
        } else {
            write(out, value);
        }
    }

    /**
     * Parses like {@code serde_json::from_str::<Value>}.
     *
     * @return the value (a {@link Raw} scalar, a {@link List} or a sorted {@link Map}), or null when
     *     serde_json would refuse the text
     */
    static Object parse(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            Object value = value(p, t, 0);
            if (p.nextToken() != null) {
                return null;
            }
            return value;
        } catch (IOException | OutOfRange | RuntimeException e) {
            return null;
        }
    }

    /** A scalar already in its serialised form. */
    record Raw(String json) {
    }

    private static Object value(JsonParser p, JsonToken t, int depth) throws IOException, OutOfRange {
        switch (t) {
            case START_ARRAY -> {
                if (depth + 1 > MAX_DEPTH) {
                    throw OUT_OF_RANGE;
                }
                List<Object> list = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(value(p, n, depth + 1));
                }
                return list;
            }
            case START_OBJECT -> {
                if (depth + 1 > MAX_DEPTH) {
                    throw OUT_OF_RANGE;
                }
                Map<String, Object> map = new TreeMap<>(CODE_POINT_ORDER);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    checkSurrogates(name);
                    map.put(name, value(p, p.nextToken(), depth + 1));
                }
                return map;
            }
            case VALUE_STRING -> {
                String s = p.getText();
                checkSurrogates(s);
                StringBuilder sb = new StringBuilder(s.length() + 2);
                appendString(sb, s);
                return new Raw(sb.toString());
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Raw(number(p.getText()));
            }
            case VALUE_TRUE -> {
                return new Raw("true");
            }
            case VALUE_FALSE -> {
                return new Raw("false");
            }
            case VALUE_NULL -> {
                return new Raw("null");
            }
            default -> throw new IOException("unexpected token " + t);
        }
    }

    /** serde_json refuses escapes that leave a lone UTF-16 surrogate. */
    private static void checkSurrogates(String s) throws OutOfRange {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    throw OUT_OF_RANGE;
                }
            } else if (Character.isLowSurrogate(c)) {
                throw OUT_OF_RANGE;
            }
        }
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    @SuppressWarnings("unchecked")
    static void write(StringBuilder out, Object v) {
        if (v instanceof Raw r) {
            out.append(r.json());
        } else if (v instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(out, list.get(i));
            }
            out.append(']');
        } else {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : ((Map<String, Object>) v).entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendString(out, e.getKey());
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        }
    }

    /** Appends a JSON string literal escaped as serde_json escapes: quote, backslash and C0 controls. */
    static void appendString(StringBuilder out, String s) {
        out.append('"');
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc;
            if (c == '"') {
                esc = "\\\"";
            } else if (c == '\\') {
                esc = "\\\\";
            } else if (c < 0x20) {
                esc = switch (c) {
                    case '\b' -> "\\b";
                    case '\t' -> "\\t";
                    case '\n' -> "\\n";
                    case '\f' -> "\\f";
                    case '\r' -> "\\r";
                    default -> "\\u00" + Character.forDigit(c >> 4, 16) + Character.forDigit(c & 0xF, 16);
                };
            } else {
                continue;
            }
            out.append(s, from, i).append(esc);
            from = i + 1;
        }
        out.append(s, from, s.length()).append('"');
    }

    // ---------------------------------------------------------------------------------------------
    // Numbers: serde_json's parser (de.rs: parse_integer, parse_decimal, parse_exponent, f64_from_parts)

    /** The serialised form serde_json gives the number literal {@code t} (already grammar-checked). */
    static String number(String t) throws OutOfRange {
        int i = 0;
        boolean positive = true;
        if (t.charAt(0) == '-') {
            positive = false;
            i++;
        }
        char c = t.charAt(i++);
        long sig = 0;
        if (c != '0') {
            sig = c - '0';
            while (i < t.length() && isDigit(t.charAt(i))) {
                int d = t.charAt(i) - '0';
                if (overflowU64(sig, d)) {
                    return formatDouble(longInteger(t, i, positive, sig));
                }
                i++;
                sig = sig * 10 + d;
            }
        }
        if (i < t.length() && t.charAt(i) == '.') {
            return formatDouble(decimal(t, i, positive, sig, 0));
        }
        if (i < t.length() && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
            return formatDouble(exponent(t, i, positive, sig, 0));
        }
        if (positive) {
            return Long.toUnsignedString(sig);
        }
        long neg = -sig;
        if (neg >= 0) {
            return formatDouble(-u64ToDouble(sig)); // -0 and values below i64::MIN become floats
        }
        return Long.toString(neg);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Whether {@code sig * 10 + d} overflows u64. */
    private static boolean overflowU64(long sig, int d) {
        long maxDiv10 = Long.divideUnsigned(-1L, 10);
        int cmp = Long.compareUnsigned(sig, maxDiv10);
        return cmp >= 0 && (cmp > 0 || d > 5);
    }

    private static double longInteger(String t, int i, boolean positive, long sig) throws OutOfRange {
        int exp = 0;
        while (i < t.length() && isDigit(t.charAt(i))) {
            i++;
            exp++;
        }
        if (i < t.length() && t.charAt(i) == '.') {
            return decimal(t, i, positive, sig, exp);
        }
        if (i < t.length() && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
            return exponent(t, i, positive, sig, exp);
        }
        return fromParts(positive, sig, exp);
    }

    private static double decimal(String t, int i, boolean positive, long sig, int expBefore) throws OutOfRange {
        i++; // '.'
        int expAfter = 0;
        while (i < t.length() && isDigit(t.charAt(i))) {
            int d = t.charAt(i) - '0';
            if (overflowU64(sig, d)) {
                int exp = expBefore + expAfter;
                while (i < t.length() && isDigit(t.charAt(i))) {
                    i++;
                }
                if (i < t.length() && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
                    return exponent(t, i, positive, sig, exp);
                }
                return fromParts(positive, sig, exp);
            }
            i++;
            sig = sig * 10 + d;
            expAfter--;
        }
        int exp = expBefore + expAfter;
        if (i < t.length() && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
            return exponent(t, i, positive, sig, exp);
        }
        return fromParts(positive, sig, exp);
    }

    private static double exponent(String t, int i, boolean positive, long sig, int startingExp) throws OutOfRange {
        i++; // 'e'
        boolean positiveExp = true;
        if (t.charAt(i) == '+') {
            i++;
        } else if (t.charAt(i) == '-') {
            positiveExp = false;
            i++;
        }
        int exp = t.charAt(i++) - '0';
        while (i < t.length() && isDigit(t.charAt(i))) {
            int d = t.charAt(i++) - '0';
            if (exp >= Integer.MAX_VALUE / 10 && (exp > Integer.MAX_VALUE / 10 || d > Integer.MAX_VALUE % 10)) {
                if (sig != 0 && positiveExp) {
                    throw OUT_OF_RANGE;
                }
                return positive ? 0.0 : -0.0;
            }
            exp = exp * 10 + d;
        }
        long fin = positiveExp ? (long) startingExp + exp : (long) startingExp - exp;
        int finalExp = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, fin));
        return fromParts(positive, sig, finalExp);
    }

    private static double fromParts(boolean positive, long sig, int exponent) throws OutOfRange {
        double f = u64ToDouble(sig);
        while (true) {
            int abs = exponent == Integer.MIN_VALUE ? -1 : Math.abs(exponent);
            if (abs >= 0 && abs < POW10.length) {
                if (exponent >= 0) {
                    f *= POW10[abs];
                    if (Double.isInfinite(f)) {
                        throw OUT_OF_RANGE;
                    }
                } else {
                    f /= POW10[abs];
                }
                break;
            }
            if (f == 0.0) {
                break;
            }
            if (exponent >= 0) {
                throw OUT_OF_RANGE;
            }
            f /= 1e308;
            exponent += 308;
        }
        return positive ? f : -f;
    }

    /** Rust's {@code u64 as f64}: round to nearest, ties to even. */
    static double u64ToDouble(long x) {
        if (x >= 0) {
            return x;
        }
        return ((double) ((x >>> 1) | (x & 1))) * 2.0;
    }

    // ---------------------------------------------------------------------------------------------
    // Floats: the ryu crate's format (shortest round-trip digits, laid out as ryu::Buffer::format_finite)

    /** Formats a finite double as serde_json (through ryu) does: {@code 1.0}, {@code 0.001}, {@code 1e-7}, {@code 1.5e300}. */
    static String formatDouble(double v) {
        if (v == 0.0) {
            return 1 / v < 0 ? "-0.0" : "0.0";
        }
        boolean negative = v < 0;
        double a = Math.abs(v);
        String s = Double.toString(a);
        int e = s.indexOf('E');
        String mantissa = e < 0 ? s : s.substring(0, e);
        int exp10 = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
        int dot = mantissa.indexOf('.');
        String fraction = mantissa.substring(dot + 1);
        String digits = mantissa.substring(0, dot) + fraction;
        int k = exp10 - fraction.length();
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        digits = digits.substring(lead);
        int trail = digits.length();
        while (trail > 1 && digits.charAt(trail - 1) == '0') {
            trail--;
        }
        k += digits.length() - trail;
        digits = digits.substring(0, trail);
        if (digits.length() == 2) {
            // Java may print 2 digits where 1 would round-trip (it then prefers the closer one); ryu
            // always prints the shortest.
            int d1 = digits.charAt(0) - '0';
            BigDecimal exact = new BigDecimal(a);
            BigDecimal best = null;
            int bestDigit = 0;
            for (int cand = d1; cand <= d1 + 1; cand++) {
                BigDecimal c = BigDecimal.valueOf(cand).scaleByPowerOfTen(k + 1);
                if (Double.parseDouble(c.toString()) != a) {
                    continue;
                }
                int cmp = best == null ? -1 : c.subtract(exact).abs().compareTo(best.subtract(exact).abs());
                if (cmp < 0 || (cmp == 0 && cand % 2 == 0)) {
                    best = c;
                    bestDigit = cand;
                }
            }
            if (best != null) {
                if (bestDigit == 10) {
                    digits = "1";
                    k += 2;
                } else {
                    digits = Integer.toString(bestDigit);
                    k += 1;
                }
            }
        }
        int length = digits.length();
        int kk = length + k;
        StringBuilder out = new StringBuilder(32);
        if (negative) {
            out.append('-');
        }
        if (k >= 0 && kk <= 16) {
            out.append(digits);
            out.append("0".repeat(k));
            out.append(".0");
        } else if (kk > 0 && kk <= 16) {
            out.append(digits, 0, kk).append('.').append(digits, kk, length);
        } else if (kk > -5 && kk <= 0) {
            out.append("0.").append("0".repeat(-kk)).append(digits);
        } else if (length == 1) {
            out.append(digits).append('e').append(kk - 1);
        } else {
            out.append(digits.charAt(0)).append('.').append(digits, 1, length).append('e').append(kk - 1);
        }
        return out.toString();
    }
}
