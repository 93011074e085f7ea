package dev.tide;

/**
 * A message's sequence number within its stream and shard: an unsigned 64-bit number. What it counts
 * depends on the backend, compatible with SeaStreamer where data crosses the wire: the Kafka offset;
 * for Redis {@code (ms << 16) | n} from the entry id {@code ms-n}; in a file, per stream from 1; on
 * stdio, per key from 0.
 *
 * @param value the number, read as unsigned
 */
public record SeqNo(long value) implements Comparable<SeqNo> {

    /** Sequence number zero. */
    public static final SeqNo ZERO = new SeqNo(0);

    /**
     * The sequence number with the given value.
     *
     * @param value the number, read as unsigned
     * @return the sequence number
     */
    public static SeqNo of(long value) {
        return value == 0 ? ZERO : new SeqNo(value);
    }

    /**
     * Parses an unsigned decimal number, 0 to 18446744073709551615.
     *
     * @param text the digits
     * @return the sequence number
     * @throws NumberFormatException if {@code text} is not such a number
     */
    public static SeqNo parse(String text) {
        if (text.isEmpty() || text.charAt(0) == '+' || text.charAt(0) == '-') {
            throw new NumberFormatException("not an unsigned decimal: \"" + text + "\"");
        }
        return of(Long.parseUnsignedLong(text));
    }

    /** The next sequence number (wrapping at 2<sup>64</sup>). */
    public SeqNo next() {
        return of(value + 1);
    }

    @Override
    public int compareTo(SeqNo other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(value);
    }
}
