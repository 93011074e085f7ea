package dev.tide.redis;

import dev.tide.SeqNo;
import dev.tide.StreamException;
import java.time.Instant;

/**
 * A Redis stream entry id {@code ms-n}, both parts unsigned 64-bit, and its mapping to Tide's (and
 * SeaStreamer's) sequence numbers: {@code seq = (ms << 16) | n}, timestamp = {@code ms}. That mapping
 * needs {@code n ≤ 0xFFFF} and {@code ms < 2^48}; ids outside it (written by hand with explicit ids)
 * cannot be represented and are reported as {@link StreamException.Kind#FORMAT} errors.
 *
 * @param ms the milliseconds part
 * @param n the sequence part
 */
record EntryId(long ms, long n) implements Comparable<EntryId> {

    static final EntryId ZERO = new EntryId(0, 0);

    /** The largest {@code n} a sequence number can carry. */
    static final long MAX_N = 0xFFFF;

    /** The largest {@code ms} a sequence number can carry. */
    static final long MAX_MS = (1L << 48) - 1;

    /**
     * Parses {@code ms-n} (or {@code ms}, meaning {@code ms-0}).
     *
     * @throws StreamException {@link StreamException.Kind#FORMAT} if it is not an entry id
     */
    static EntryId parse(String id) {
        try {
            int dash = id.indexOf('-');
            if (dash < 0) {
                return new EntryId(Long.parseUnsignedLong(id), 0);
            }
            return new EntryId(Long.parseUnsignedLong(id, 0, dash, 10), Long.parseUnsignedLong(id, dash + 1, id.length(), 10));
        } catch (NumberFormatException e) {
            throw new StreamException(StreamException.Kind.FORMAT, "invalid Redis stream entry id \"" + id
                    + "\": expected <ms>-<n>", e);
        }
    }

    /** The id of a sequence number: {@code (seq >>> 16) - (seq & 0xFFFF)}. */
    static EntryId of(SeqNo seq) {
        return new EntryId(seq.value() >>> 16, seq.value() & MAX_N);
    }

    /** Whether this id maps to a sequence number. */
    boolean representable() {
        return Long.compareUnsigned(n, MAX_N) <= 0 && Long.compareUnsigned(ms, MAX_MS) <= 0;
    }

    /**
     * The sequence number {@code (ms << 16) | n}.
     *
     * @throws StreamException {@link StreamException.Kind#FORMAT} if the id is not representable
     */
    SeqNo seq(String where) {
        if (!representable()) {
            throw new StreamException(StreamException.Kind.FORMAT, "entry id " + this + " of " + where
                    + " has no sequence number: Tide and SeaStreamer need ms < 2^48 and n <= 65535");
        }
        return SeqNo.of((ms << 16) | n);
    }

    /** The timestamp: {@code ms} milliseconds since the epoch. */
    Instant timestamp() {
        return Instant.ofEpochMilli(ms);
    }

    /**
     * The largest id before this one, to read "after" it with XREAD / XGROUP SETID; {@link #ZERO} stays
     * {@link #ZERO}.
     */
    EntryId predecessor() {
        if (n != 0) {
            return new EntryId(ms, n - 1);
        }
        if (ms != 0) {
            return new EntryId(ms - 1, -1L);
        }
        return ZERO;
    }

    /** The id to read after so that the next entry is the first with a sequence number at least {@code seq}. */
    static EntryId startAfterSeq(SeqNo seq) {
        return of(seq).predecessor();
    }

    /** The id to read after so that the next entry is the first with a timestamp at least {@code time}. */
    static EntryId startAfterTime(Instant time) {
        return firstAtOrAfter(time).predecessor();
    }

    /** The smallest id whose timestamp is at least {@code time}: {@code ceil(time in ms)-0}. */
    static EntryId firstAtOrAfter(Instant time) {
        if (time.getEpochSecond() < 0) {
            return ZERO;
        }
        long ms = time.toEpochMilli();
        if (time.getNano() % 1_000_000 != 0) {
            ms++;
        }
        return new EntryId(ms, 0);
    }

    @Override
    public int compareTo(EntryId o) {
        int c = Long.compareUnsigned(ms, o.ms);
        return c != 0 ? c : Long.compareUnsigned(n, o.n);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(n);
    }
}
