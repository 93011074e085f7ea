package dev.tide.flow;

import java.util.Objects;

/**
 * How the use of a resource acquired by {@link Flow#bracketCase} ended; given to its release function.
 *
 * <ul>
 *   <li>{@link Completed}: the flow made from the resource completed and downstream took every element;</li>
 *   <li>{@link Failed}: the flow failed, or downstream failed while handling one of its elements; the
 *       cause is the exception that ends the collection;</li>
 *   <li>{@link Cancelled}: downstream stopped early (for example {@code take(n)} had enough, or a
 *       timeout or race cancelled this branch), or the collecting thread was interrupted.</li>
 * </ul>
 */
public sealed interface ExitCase {

    /** The flow completed. */
    ExitCase COMPLETED = new Completed();

    /** The flow was stopped before it completed, without failing. */
    ExitCase CANCELLED = new Cancelled();

    /**
     * The flow failed with {@code cause}.
     *
     * @param cause the failure
     * @return the exit case
     */
    static ExitCase failed(Throwable cause) {
        return new Failed(cause);
    }

    /** The flow completed. */
    record Completed() implements ExitCase {
    }

    /**
     * The flow failed.
     *
     * @param cause the exception that ended the collection
     */
    record Failed(Throwable cause) implements ExitCase {
        /** Checks that the cause is not null. */
        public Failed {
            Objects.requireNonNull(cause, "cause");
        }
    }

    /** The flow was stopped early, or its thread interrupted. */
    record Cancelled() implements ExitCase {
    }
}
