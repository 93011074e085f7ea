package dev.tide.flow;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/*
 * A FlowBudget: two live counters (items, keys) with their peaks, limited by compare-and-set so that the
 * limit is never passed even when several stages or threads take units at once. No lock.
 *
 * Stages take units with tryAcquire* and must give back exactly what they took (release* in a finally block
 * of their collection), so a counter never goes negative; release checks that and fails loudly if a stage
 * gives back more than it holds (a bug in the stage, not a user error).
 */
final class RealFlowBudget implements FlowBudget {

    private final String name;
    private final long maxItems;
    private final long maxKeys;
    private final Policy policy;
    private final AtomicLong items = new AtomicLong();
    private final AtomicLong keys = new AtomicLong();
    private final AtomicLong peakItems = new AtomicLong();
    private final AtomicLong peakKeys = new AtomicLong();
    private final LongAdder shedItems = new LongAdder();
    private final LongAdder shedKeys = new LongAdder();

    RealFlowBudget(String name, long maxItems, long maxKeys, Policy policy) {
        this.name = name;
        this.maxItems = maxItems;
        this.maxKeys = maxKeys;
        this.policy = policy;
    }

    /** Takes one element unit; false when that would pass the limit (nothing is taken then). */
    boolean tryAcquireItem() {
        return tryAcquire(items, peakItems, maxItems);
    }

    /** Takes one key unit; false when that would pass the limit (nothing is taken then). */
    boolean tryAcquireKey() {
        return tryAcquire(keys, peakKeys, maxKeys);
    }

    void releaseItems(long n) {
        release(items, n, "items");
    }

    void releaseKeys(long n) {
        release(keys, n, "keys");
    }

    void recordShedItem() {
        shedItems.increment();
    }

    void recordShedKey() {
        shedKeys.increment();
    }

    /** The failure of a stage that would pass the element limit. */
    FlowException itemsExceeded(String stage) {
        return new FlowException(FlowException.Kind.BUDGET_EXCEEDED, "budget '" + name + "' exceeded in stage "
                + stage + ": more than " + maxItems + " buffered elements (maxBufferedItems)");
    }

    /** The failure of a stage that would pass the key limit. */
    FlowException keysExceeded(String stage) {
        return new FlowException(FlowException.Kind.BUDGET_EXCEEDED, "budget '" + name + "' exceeded in stage "
                + stage + ": more than " + maxKeys + " tracked keys (maxKeys)");
    }

    private static boolean tryAcquire(AtomicLong counter, AtomicLong peak, long max) {
        while (true) {
            long current = counter.get();
            if (current >= max) {
                return false;
            }
            if (counter.compareAndSet(current, current + 1)) {
                peak.accumulateAndGet(current + 1, Math::max);
                return true;
            }
        }
    }

    private static void release(AtomicLong counter, long n, String what) {
        if (n == 0) {
            return;
        }
        long after = counter.addAndGet(-n);
        if (n < 0 || after < 0) {
            counter.addAndGet(n);
            throw new IllegalStateException("a stage gave back more " + what + " than it took: " + n);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long maxBufferedItems() {
        return maxItems;
    }

    @Override
    public long maxKeys() {
        return maxKeys;
    }

    @Override
    public Policy policy() {
        return policy;
    }

    @Override
    public long bufferedItems() {
        return items.get();
    }

    @Override
    public long keys() {
        return keys.get();
    }

    @Override
    public long peakBufferedItems() {
        return peakItems.get();
    }

    @Override
    public long peakKeys() {
        return peakKeys.get();
    }

    @Override
    public long shedItems() {
        return shedItems.sum();
    }

    @Override
    public long shedKeys() {
        return shedKeys.sum();
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "budget %s: items %d/%s (peak %d, shed %d), keys %d/%s (peak %d, shed %d), %s",
                name, bufferedItems(), limit(maxItems), peakBufferedItems(), shedItems(),
                keys(), limit(maxKeys), peakKeys(), shedKeys(), policy);
    }

    private static String limit(long max) {
        return max == Long.MAX_VALUE ? "unlimited" : Long.toString(max);
    }

    @Override
    public String toString() {
        return summary();
    }
}
