package dev.tide.flow;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/*
 * A fixed-size, lock-free histogram of non-negative long values (nanoseconds), in the style of HdrHistogram:
 * values below 32 have a bucket each; above, every power of two [2^e, 2^(e+1)) is split into 32 equal
 * sub-buckets, so a bucket's width is at most 1/32 of its lower bound (about 3% relative precision) over the
 * whole long range. 1,888 buckets (15 KB), no allocation when recording, no resizing.
 *
 * record() is one atomic increment plus a max update; percentile() scans the buckets and answers the upper
 * bound of the bucket holding the rank (never more than the largest value recorded), so a reported
 * percentile is never below the true one by more than the bucket width. Readings taken while values are
 * recorded are approximate snapshots.
 */
final class LatencyHistogram {

    static final int SUB_BITS = 5;
    static final int SUB_COUNT = 1 << SUB_BITS;
    static final int BUCKETS = (63 - SUB_BITS) * SUB_COUNT + SUB_COUNT; // 1888

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong max = new AtomicLong();

    /** Records one value; negative values count as 0. */
    void record(long value) {
        long v = Math.max(0, value);
        counts.incrementAndGet(indexOf(v));
        if (v > max.get()) {
            max.accumulateAndGet(v, Math::max);
        }
    }

    static int indexOf(long v) {
        if (v < SUB_COUNT) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int mantissa = (int) ((v >>> (exponent - SUB_BITS)) & (SUB_COUNT - 1));
        return (exponent - SUB_BITS + 1) * SUB_COUNT + mantissa;
    }

    static long lowerBound(int index) {
        if (index < SUB_COUNT) {
            return index;
        }
        int exponent = index / SUB_COUNT + SUB_BITS - 1;
        long mantissa = index % SUB_COUNT;
        return (SUB_COUNT + mantissa) << (exponent - SUB_BITS);
    }

    static long upperBound(int index) {
        if (index < SUB_COUNT) {
            return index;
        }
        int exponent = index / SUB_COUNT + SUB_BITS - 1;
        long width = 1L << (exponent - SUB_BITS);
        long upper = lowerBound(index) + width - 1;
        return upper < 0 ? Long.MAX_VALUE : upper;
    }

    /** How many values were recorded. */
    long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The largest value recorded, 0 if none. */
    long max() {
        return max.get();
    }

    /**
     * The value below or at which a fraction {@code quantile} of the recorded values lie (bucket precision),
     * 0 if nothing was recorded.
     */
    long percentile(double quantile) {
        return percentiles(quantile)[0];
    }

    /** Several percentiles from one scan (ascending or not); 0s if nothing was recorded. */
    long[] percentiles(double... quantiles) {
        for (double quantile : quantiles) {
            if (!(quantile >= 0 && quantile <= 1)) {
                throw new IllegalArgumentException("quantile must be in [0, 1]: " + quantile);
            }
        }
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        long[] result = new long[quantiles.length];
        if (total == 0) {
            return result;
        }
        long maxValue = max.get();
        for (int q = 0; q < quantiles.length; q++) {
            long rank = Math.max(1, (long) Math.ceil(quantiles[q] * total));
            long seen = 0;
            long value = maxValue;
            for (int i = 0; i < BUCKETS; i++) {
                seen += snapshot[i];
                if (seen >= rank) {
                    value = Math.min(upperBound(i), maxValue);
                    break;
                }
            }
            result[q] = value;
        }
        return result;
    }
}
