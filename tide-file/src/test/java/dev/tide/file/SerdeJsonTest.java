package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * ndjson payloads must be what serde_json prints. {@code serde-json-oracle.txt} holds pairs of lines: an
 * input and what {@code serde_json::from_str::<Value>} then {@code to_string} printed for it (or the
 * input as a JSON string when serde_json refused it), produced with serde_json 1.0 for edge cases
 * (numbers at the limits, escapes, surrogates, nesting, duplicates, key order) and random numbers.
 */
class SerdeJsonTest {

    @Test
    void matchesSerdeJsonOnTheOracleCorpus() {
        String[] lines = Vectors.text("../serde-json-oracle.txt").split("\n", -1);
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < lines.length; i += 2) {
            pairs.add(new String[] {lines[i], lines[i + 1]});
        }
        assertThat(pairs).hasSizeGreaterThan(2800);
        SoftAssertions soft = new SoftAssertions();
        for (String[] p : pairs) {
            StringBuilder sb = new StringBuilder();
            SerdeJson.appendPayload(sb, p[0]);
            soft.assertThat(sb.toString()).as("input %s", p[0]).isEqualTo(p[1]);
        }
        soft.assertAll();
    }

    @Test
    void formatsDoublesLikeRyu() {
        assertThat(SerdeJson.formatDouble(1.0)).isEqualTo("1.0");
        assertThat(SerdeJson.formatDouble(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(SerdeJson.formatDouble(1e21)).isEqualTo("1e21");
        assertThat(SerdeJson.formatDouble(-1.5e-7)).isEqualTo("-1.5e-7");
        assertThat(SerdeJson.formatDouble(123456.789)).isEqualTo("123456.789");
        assertThat(SerdeJson.formatDouble(-0.0)).isEqualTo("-0.0");
    }

    @Test
    void escapesLikeSerdeJson() {
        StringBuilder sb = new StringBuilder();
        SerdeJson.appendString(sb, "a\"b\\c\u0001\u001f\b\f\n\r\t\u007f/é");
        assertThat(sb).hasToString("\"a\\\"b\\\\c\\u0001\\u001f\\b\\f\\n\\r\\t\u007f/é\"");
    }
}
