package dev.tide.flow;

import java.util.Objects;

/**
 * The unchecked exception a terminal operation throws when a flow fails for a reason that is not
 * already an unchecked exception: a checked exception raised inside the flow, an interruption, or a
 * failure that Tide itself detects (a timeout, a buffer overflow...).
 *
 * <p>Unchecked exceptions thrown by user code pass through terminal operations unchanged, so a
 * failing function's own exception, and its stack trace, reach the caller.
 */
public class FlowException extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** A checked exception was thrown inside the flow; it is the cause. */
        CHECKED(false),
        /** The collecting thread was interrupted; its interrupt flag is set again. */
        INTERRUPTED(false),
        /** A time limit was exceeded. */
        TIMEOUT(true),
        /** A bounded buffer overflowed under a policy that fails instead of waiting or dropping. */
        BACKPRESSURE_OVERFLOW(true),
        /** A call was refused because a circuit breaker is open. */
        CIRCUIT_OPEN(true),
        /** A resource budget of the flow was exceeded. */
        BUDGET_EXCEEDED(false),
        /** Misuse of a flow detected at run time, such as emitting from the wrong thread. */
        ILLEGAL_STATE(false);

        private final boolean retriable;

        Kind(boolean retriable) {
            this.retriable = retriable;
        }

        /** Whether trying the same work again may succeed. */
        public boolean isRetriable() {
            return retriable;
        }
    }

    private final Kind kind;

    /**
     * Creates an exception of the given kind.
     *
     * @param kind what went wrong
     * @param message a message naming the stage and the offending value
     * @param cause the underlying failure, or null
     */
    public FlowException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * Creates an exception of the given kind without a cause.
     *
     * @param kind what went wrong
     * @param message a message naming the stage and the offending value
     */
    public FlowException(Kind kind, String message) {
        this(kind, message, null);
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** Whether trying the same work again may succeed; see {@link Kind#isRetriable()}. */
    public boolean isRetriable() {
        return kind.isRetriable();
    }
}
