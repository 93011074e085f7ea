package dev.tide.flow;

/**
 * When a flow's {@link FlowMetrics} count as healthy: its error rate is below {@code maxErrorRate} and it has
 * had fewer than {@code maxConsecutiveErrors} errors in a row. The presets are RS2's: {@link #defaults()}
 * 10% / 5, {@link #strict()} 1% / 2, {@link #relaxed()} 20% / 20.
 *
 * @param maxErrorRate the error rate (errors / (items + errors)) at and above which the flow is unhealthy,
 *     in (0, 1]
 * @param maxConsecutiveErrors the number of errors in a row at and above which the flow is unhealthy, at
 *     least 1
 */
public record HealthThresholds(double maxErrorRate, long maxConsecutiveErrors) {

    /**
     * Validates the thresholds.
     *
     * @throws IllegalArgumentException if the rate is not in (0, 1] or the count is not positive
     */
    public HealthThresholds {
        if (!(maxErrorRate > 0 && maxErrorRate <= 1)) {
            throw new IllegalArgumentException("maxErrorRate must be in (0, 1]: " + maxErrorRate);
        }
        if (maxConsecutiveErrors < 1) {
            throw new IllegalArgumentException("maxConsecutiveErrors must be positive: " + maxConsecutiveErrors);
        }
    }

    /**
     * 10% errors, 5 in a row (RS2's default).
     *
     * @return the default thresholds
     */
    public static HealthThresholds defaults() {
        return new HealthThresholds(0.10, 5);
    }

    /**
     * 1% errors, 2 in a row.
     *
     * @return the strict thresholds
     */
    public static HealthThresholds strict() {
        return new HealthThresholds(0.01, 2);
    }

    /**
     * 20% errors, 20 in a row.
     *
     * @return the relaxed thresholds
     */
    public static HealthThresholds relaxed() {
        return new HealthThresholds(0.20, 20);
    }

    /**
     * Thresholds of your own.
     *
     * @param maxErrorRate in (0, 1]
     * @param maxConsecutiveErrors at least 1
     * @return the thresholds
     */
    public static HealthThresholds custom(double maxErrorRate, long maxConsecutiveErrors) {
        return new HealthThresholds(maxErrorRate, maxConsecutiveErrors);
    }

    /**
     * Whether an error rate and a run of errors are within these thresholds.
     *
     * @param errorRate errors / (items + errors)
     * @param consecutiveErrors errors since the last successful item
     * @return {@code errorRate < maxErrorRate && consecutiveErrors < maxConsecutiveErrors}
     */
    public boolean isHealthy(double errorRate, long consecutiveErrors) {
        return errorRate < maxErrorRate && consecutiveErrors < maxConsecutiveErrors;
    }
}
