package dev.tide.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs contestants of one workload in rounds, alternating: round {@code r} starts with contestant
 * {@code r mod n}, so that none always runs first (on a warm or a cold page cache, after a GC, …). The
 * first {@code warmup} rounds are run but not recorded (JIT compilation, connection pools).
 */
final class Rounds {

    /** One contestant: a name and a run that records its own sample into {@link Results}. */
    record Contestant(String name, Run run) {
    }

    /** One complete run of the workload. */
    @FunctionalInterface
    interface Run {
        /**
         * Runs the workload once.
         *
         * @param record whether this run is measured (false during warm-up)
         */
        void run(boolean record) throws Exception;
    }

    private Rounds() {
    }

    /** Runs {@code warmup + rounds} rounds of every contestant, alternating the order. */
    static void run(String label, int warmup, int rounds, List<Contestant> contestants) throws Exception {
        int n = contestants.size();
        for (int r = 0; r < warmup + rounds; r++) {
            boolean record = r >= warmup;
            System.out.printf(Locale.ROOT, "%s: %s round %d of %d%n", label, record ? "measured" : "warm-up",
                    record ? r - warmup + 1 : r + 1, record ? rounds : warmup);
            List<Contestant> order = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                order.add(contestants.get((r + i) % n));
            }
            for (Contestant c : order) {
                if (!record) {
                    System.out.printf(Locale.ROOT, "  %-44s (warm-up)%n", c.name());
                }
                c.run().run(record);
                System.gc();
            }
        }
    }
}
