package dev.tide.redis;

/**
 * The one place this module creates threads: named virtual threads. Every thread has an owner that
 * stops it and waits for it (a producer its sender, a consumer its readers and its housekeeper); see
 * the "Threads and locks" notes in {@link RedisStreamerImpl}.
 */
final class RedisThreads {

    private RedisThreads() {
    }

    /**
     * Starts a virtual thread.
     *
     * @param role what the thread does, for its name ({@code tide-redis-<role>})
     * @param body the work
     * @return the started thread
     */
    static Thread start(String role, Runnable body) {
        return Thread.ofVirtual().name("tide-redis-" + role).start(body);
    }
}
