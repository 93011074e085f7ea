package dev.tide;

/** Where a consumer starts when it has no committed position to resume from. */
public enum StreamReset {
    /** From the earliest message still stored. */
    EARLIEST,
    /** From the messages sent after the consumer started. */
    LATEST
}
