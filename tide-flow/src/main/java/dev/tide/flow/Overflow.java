package dev.tide.flow;

/**
 * What {@link Flow#buffer(int, Overflow)} does when an element arrives and the buffer is full.
 */
public enum Overflow {
    /** Upstream waits until there is room: nothing is lost (backpressure). */
    BLOCK,
    /** The oldest buffered element is dropped to make room for the new one; each drop is counted. */
    DROP_OLDEST,
    /** The new element is dropped, the buffered ones are kept; each drop is counted. */
    DROP_NEWEST,
    /**
     * The flow fails with a {@link FlowException} of kind {@code BACKPRESSURE_OVERFLOW}, after the elements
     * buffered before the overflow have been emitted.
     */
    FAIL
}
