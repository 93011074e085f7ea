package dev.tide.stdio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

    /** Records lines as "n:text" and over-long lines as "n:!length:head". */
    private static final class Recorder implements LineSplitter.Sink {
        final List<String> seen = new ArrayList<>();
        int stopAfter = Integer.MAX_VALUE;

        @Override
        public boolean line(long number, byte[] line) {
            seen.add(number + ":" + new String(line, StandardCharsets.UTF_8));
            return seen.size() < stopAfter;
        }

        @Override
        public boolean overlong(long number, byte[] head, long length) {
            seen.add(number + ":!" + length + ":" + new String(head, StandardCharsets.UTF_8));
            return seen.size() < stopAfter;
        }
    }

    private static List<String> split(String input, int max) {
        LineSplitter s = new LineSplitter(max);
        Recorder r = new Recorder();
        byte[] b = input.getBytes(StandardCharsets.UTF_8);
        s.feed(b, 0, b.length, r);
        s.finish(r);
        return r.seen;
    }

    @Test
    void removesOnlyOneLineFeedAndKeepsCarriageReturns() {
        assertThat(split("a\r\nb\n\nc\r", 100)).containsExactly("1:a\r", "2:b", "3:", "4:c\r");
    }

    @Test
    void aTrailingLineFeedMakesNoExtraLine() {
        assertThat(split("a\nb\n", 100)).containsExactly("1:a", "2:b");
        assertThat(split("", 100)).isEmpty();
        assertThat(split("\n", 100)).containsExactly("1:");
    }

    @Test
    void linesMaySpanManyChunks() {
        LineSplitter s = new LineSplitter(100);
        Recorder r = new Recorder();
        for (byte b : "hello\nworld".getBytes(StandardCharsets.UTF_8)) {
            s.feed(new byte[] {b}, 0, 1, r);
        }
        assertThat(r.seen).containsExactly("1:hello");
        s.finish(r);
        assertThat(r.seen).containsExactly("1:hello", "2:world");
        assertThat(s.lines()).isEqualTo(2);
    }

    @Test
    void overLongLinesAreReportedWithTheirLengthAndTheNextLineIsIntact() {
        assertThat(split("abcd\nabcdefgh\nxy", 4)).containsExactly("1:abcd", "2:!8:abcd", "3:xy");
    }

    @Test
    void stopsWhenTheSinkSaysSo() {
        LineSplitter s = new LineSplitter(100);
        Recorder r = new Recorder();
        r.stopAfter = 2;
        byte[] b = "a\nb\nc\n".getBytes(StandardCharsets.UTF_8);
        assertThat(s.feed(b, 0, b.length, r)).isFalse();
        assertThat(r.seen).containsExactly("1:a", "2:b");
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThatThrownBy(() -> new LineSplitter(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    }

    @Test
    void chunkingNeverChangesTheLines() {
        java.util.Random random = new java.util.Random(5);
        String alphabet = "ab\n\r\u00e9";
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(31);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = sb.toString();
            int chunk = 1 + random.nextInt(7);
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            LineSplitter s = new LineSplitter(1000);
            Recorder r = new Recorder();
            for (int k = 0; k < b.length; k += chunk) {
                s.feed(b, k, Math.min(chunk, b.length - k), r);
            }
            s.finish(r);
            assertThat(r.seen).as("chunk %d of %s", chunk, text).isEqualTo(split(text, 1000));
        }
    }
}
