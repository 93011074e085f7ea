package dev.tide.flow;

/**
 * Releases a resource acquired by {@link Flow#bracketCase}, knowing how its use ended; called exactly
 * once per collection.
 *
 * @param <R> the resource type
 */
@FunctionalInterface
public interface ReleaseCase<R> {

    /**
     * Releases {@code resource}.
     *
     * @param resource what the acquire function returned
     * @param exitCase how the use of the resource ended
     * @throws Exception if releasing fails; the flow then fails (see {@link Flow#bracketCase})
     */
    void release(R resource, ExitCase exitCase) throws Exception;
}
