package dev.tide.flow;

import java.util.Objects;

/**
 * Decides what a map-like stage does when its function throws for one element:
 * {@link Flow#map(java.util.function.Function, ElementErrorHandler)}.
 *
 * <p>The handler is called on the collecting thread, with the element and the exception, before anything
 * else happens; it returns a {@link Decision}: skip the element, replace the result with a value, or fail
 * the flow with the original exception. A handler may also throw an exception of its own, which then ends
 * the flow. Only unchecked exceptions of the function are handled ({@link Error}s pass through).
 *
 * @param <T> the element type
 * @param <R> the result type of the function
 */
@FunctionalInterface
public interface ElementErrorHandler<T, R> {

    /**
     * Decides what to do about {@code error}, thrown by the function for {@code element}.
     *
     * @param element the element the function failed on
     * @param error what the function threw
     * @return the decision, never null
     */
    Decision<R> onError(T element, RuntimeException error);

    /**
     * A handler that skips every element whose function call fails.
     *
     * @param <T> the element type
     * @param <R> the result type
     * @return the skipping handler
     */
    static <T, R> ElementErrorHandler<T, R> skip() {
        return (element, error) -> Decision.skip();
    }

    /**
     * A handler that emits {@code value} in place of every failed result.
     *
     * @param value the replacement, not null
     * @param <T> the element type
     * @param <R> the result type
     * @return the replacing handler
     */
    static <T, R> ElementErrorHandler<T, R> replaceWith(R value) {
        Decision<R> decision = Decision.replace(value);
        return (element, error) -> decision;
    }

    /**
     * A handler that fails the flow with the function's exception (what {@code map(f)} does).
     *
     * @param <T> the element type
     * @param <R> the result type
     * @return the failing handler
     */
    static <T, R> ElementErrorHandler<T, R> fail() {
        return (element, error) -> Decision.fail();
    }

    /**
     * What to do with an element whose function call failed.
     *
     * @param <R> the result type
     */
    sealed interface Decision<R> {

        /**
         * Drop the element: nothing is emitted for it and the flow goes on.
         *
         * @param <R> the result type
         * @return the decision
         */
        static <R> Decision<R> skip() {
            return new Skip<>();
        }

        /**
         * Emit {@code value} as the element's result and go on.
         *
         * @param value the replacement, not null
         * @param <R> the result type
         * @return the decision
         */
        static <R> Decision<R> replace(R value) {
            return new Replace<>(value);
        }

        /**
         * Fail the flow with the function's exception, unchanged.
         *
         * @param <R> the result type
         * @return the decision
         */
        static <R> Decision<R> fail() {
            return new Fail<>();
        }

        /**
         * Skip the element.
         *
         * @param <R> the result type
         */
        record Skip<R>() implements Decision<R> {
        }

        /**
         * Emit a replacement value.
         *
         * @param value the replacement, not null
         * @param <R> the result type
         */
        record Replace<R>(R value) implements Decision<R> {
            /** Checks that the value is not null. */
            public Replace {
                Objects.requireNonNull(value, "replacement value");
            }
        }

        /**
         * Fail the flow with the original exception.
         *
         * @param <R> the result type
         */
        record Fail<R>() implements Decision<R> {
        }
    }
}
