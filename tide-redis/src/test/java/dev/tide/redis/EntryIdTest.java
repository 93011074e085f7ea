package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.SeqNo;
import dev.tide.StreamException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryIdTest {

    @Test
    void mapsIdsToSeaStreamerSequenceNumbersAndTimestamps() {
        EntryId id = EntryId.parse("1700000000123-7");
        assertThat(id.seq("k")).isEqualTo(SeqNo.of((1700000000123L << 16) | 7));
        assertThat(id.timestamp()).isEqualTo(Instant.ofEpochMilli(1700000000123L));
        assertThat(EntryId.of(id.seq("k"))).isEqualTo(id);
        assertThat(id).hasToString("1700000000123-7");
        assertThat(EntryId.parse("42")).isEqualTo(new EntryId(42, 0));
    }

    @Test
    void idsBeyondTheMappingAreFormatErrorsNamingTheKey() {
        assertThatThrownBy(() -> EntryId.parse("5-65536").seq("orders:1"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.FORMAT))
                .hasMessageContaining("5-65536").hasMessageContaining("orders:1");
        assertThat(EntryId.parse("5-65535").representable()).isTrue();
        assertThat(new EntryId(1L << 48, 0).representable()).isFalse();
        assertThat(EntryId.parse("18446744073709551615-18446744073709551615").representable()).isFalse();
    }

    @Test
    void malformedIdsAreFormatErrors() {
        for (String bad : new String[] {"", "-", "a-1", "1-b", "1--2", "-1-2"}) {
            assertThatThrownBy(() -> EntryId.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.FORMAT));
        }
    }

    @Test
    void predecessorsReadFromTheExactEntry() {
        assertThat(EntryId.parse("10-3").predecessor()).isEqualTo(new EntryId(10, 2));
        assertThat(EntryId.parse("10-0").predecessor()).hasToString("9-18446744073709551615");
        assertThat(EntryId.ZERO.predecessor()).isEqualTo(EntryId.ZERO);
        assertThat(EntryId.startAfterSeq(SeqNo.of((10L << 16) | 3))).isEqualTo(new EntryId(10, 2));
        assertThat(EntryId.startAfterSeq(SeqNo.ZERO)).isEqualTo(EntryId.ZERO);
    }

    @Test
    void timesRoundUpToTheNextMillisecond() {
        assertThat(EntryId.firstAtOrAfter(Instant.ofEpochMilli(1000))).isEqualTo(new EntryId(1000, 0));
        assertThat(EntryId.firstAtOrAfter(Instant.ofEpochMilli(1000).plusNanos(1))).isEqualTo(new EntryId(1001, 0));
        assertThat(EntryId.startAfterTime(Instant.ofEpochMilli(1000))).hasToString("999-18446744073709551615");
        assertThat(EntryId.startAfterTime(Instant.EPOCH)).isEqualTo(EntryId.ZERO);
        assertThat(EntryId.startAfterTime(Instant.ofEpochSecond(-5))).isEqualTo(EntryId.ZERO);
    }

    /** Seeded random ids and the edges of the mapping: same cases on every run. */
    private static List<EntryId> cases() {
        List<EntryId> out = new ArrayList<>(List.of(EntryId.ZERO, new EntryId(0, 1), new EntryId(1, 0),
                new EntryId(EntryId.MAX_MS, EntryId.MAX_N), new EntryId(EntryId.MAX_MS, 0), new EntryId(0, EntryId.MAX_N)));
        Random random = new Random(20261122L);
        for (int i = 0; i < 2000; i++) {
            out.add(new EntryId(random.nextLong(EntryId.MAX_MS + 1), random.nextLong(EntryId.MAX_N + 1)));
        }
        return out;
    }

    @Test
    void sequenceNumbersRoundTrip() {
        for (EntryId id : cases()) {
            assertThat(EntryId.of(id.seq("k"))).isEqualTo(id);
            assertThat(EntryId.parse(id.toString())).isEqualTo(id);
            assertThat(id.predecessor().compareTo(id)).isLessThanOrEqualTo(0);
        }
    }

    @Test
    void orderOfIdsIsOrderOfSequenceNumbers() {
        List<EntryId> all = cases();
        for (int i = 1; i < all.size(); i++) {
            EntryId a = all.get(i - 1);
            EntryId b = all.get(i);
            assertThat(Integer.signum(a.compareTo(b))).as(a + " vs " + b)
                    .isEqualTo(Integer.signum(a.seq("k").compareTo(b.seq("k"))));
        }
    }
}
