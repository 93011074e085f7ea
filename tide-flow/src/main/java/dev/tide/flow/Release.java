package dev.tide.flow;

/**
 * Releases a resource acquired by {@link Flow#bracket}; called exactly once per collection.
 *
 * @param <R> the resource type
 */
@FunctionalInterface
public interface Release<R> {

    /**
     * Releases {@code resource}.
     *
     * @param resource what the acquire function returned
     * @throws Exception if releasing fails; the flow then fails (see {@link Flow#bracket})
     */
    void release(R resource) throws Exception;
}
