package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.SeqNo;
import dev.tide.StreamException;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
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

    @Property
    void sequenceNumbersRoundTrip(@ForAll @LongRange(min = 0, max = (1L << 48) - 1) long ms,
            @ForAll @LongRange(min = 0, max = 0xFFFF) long n) {
        EntryId id = new EntryId(ms, n);
        assertThat(EntryId.of(id.seq("k"))).isEqualTo(id);
        assertThat(EntryId.parse(id.toString())).isEqualTo(id);
        assertThat(id.predecessor().compareTo(id)).isLessThanOrEqualTo(0);
    }

    @Property
    void orderOfIdsIsOrderOfSequenceNumbers(@ForAll @LongRange(min = 0, max = (1L << 48) - 1) long ms1,
            @ForAll @LongRange(min = 0, max = 0xFFFF) long n1, @ForAll @LongRange(min = 0, max = (1L << 48) - 1) long ms2,
            @ForAll @LongRange(min = 0, max = 0xFFFF) long n2) {
        EntryId a = new EntryId(ms1, n1);
        EntryId b = new EntryId(ms2, n2);
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(a.seq("k").compareTo(b.seq("k"))));
    }
}
