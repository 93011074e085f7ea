package dev.tide.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs contestants of one workload in rounds, in an order that changes from round to round: round
 * {@code r} starts with contestant {@code r mod n} and steps through the others by a stride coprime to
 * {@code n} that also changes with {@code r} ({@code start + i * stride mod n}), so that no contestant
 * always runs first, nor always right after the same other one (a rotation alone kept every neighbour:
 * a contestant that always followed a cold JVM's run was always measured in its wake). Each round's
 * order is printed. The first {@code warmup} rounds are run but not recorded (JIT compilation,
 * connection pools).
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

    /** Runs {@code warmup + rounds} rounds of every contestant, changing the order (see the class comment). */
    static void run(String label, int warmup, int rounds, List<Contestant> contestants) throws Exception {
        int n = contestants.size();
        List<Integer> strides = new ArrayList<>();
        for (int s = 1; s < Math.max(2, n); s++) {
            if (gcd(s, n) == 1) {
                strides.add(s);
            }
        }
        for (int r = 0; r < warmup + rounds; r++) {
            boolean record = r >= warmup;
            List<Contestant> order = order(contestants, r, strides.get(r % strides.size()));
            System.out.printf(Locale.ROOT, "%s: %s round %d of %d (order: %s)%n", label, record ? "measured" : "warm-up",
                    record ? r - warmup + 1 : r + 1, record ? rounds : warmup,
                    String.join(", ", order.stream().map(Contestant::name).toList()));
            for (Contestant c : order) {
                if (!record) {
                    System.out.printf(Locale.ROOT, "  %-44s (warm-up)%n", c.name());
                }
                c.run().run(record);
                System.gc();
            }
        }
    }

    /** Round {@code r}'s order: from contestant {@code r mod n}, every {@code stride}-th (mod n). */
    static <T> List<T> order(List<T> contestants, int r, int stride) {
        int n = contestants.size();
        List<T> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(contestants.get((int) ((r + (long) i * stride) % n)));
        }
        return order;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
