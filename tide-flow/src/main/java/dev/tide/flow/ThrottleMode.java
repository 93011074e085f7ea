package dev.tide.flow;

/** What {@link Flow#throttle(java.time.Duration, ThrottleMode)} does with an element that comes too early. */
public enum ThrottleMode {
    /** The element is dropped: only the first element of each period passes (throttle-first). */
    DROP,
    /** The element waits until the period has passed, and upstream waits with it: nothing is lost. */
    DELAY
}
