package dev.tide.flow;

/**
 * What {@link Flow#retry(RetryPolicy, RetryMode)} does with the elements a new attempt produces again.
 * A retry collects the cold upstream again from its start, so without care downstream would see the
 * elements of the failed attempt twice.
 */
public enum RetryMode {

    /**
     * Every attempt's elements go downstream: after a failure downstream sees the upstream again from its
     * first element. Right when the elements are idempotent, or downstream expects a restart.
     */
    REPLAY,

    /**
     * Each new attempt skips as many elements as downstream has already received, then goes on. Right only
     * when the upstream produces the same elements in the same order on every collection (a file, a
     * replayable stream read from a fixed position); otherwise elements are lost or repeated.
     */
    SKIP_EMITTED
}
