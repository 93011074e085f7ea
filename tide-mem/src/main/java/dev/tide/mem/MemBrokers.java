package dev.tide.mem;

import dev.tide.StreamException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The process-wide registry of brokers by name; "." is the default broker of {@code mem:///}. */
final class MemBrokers {

    private static final ConcurrentMap<String, MemBroker> BROKERS = new ConcurrentHashMap<>();

    private MemBrokers() {
    }

    /**
     * The broker called {@code name}, created with {@code maxMessages} if there is none.
     *
     * @param explicit whether the connection set the limit; an explicit limit must match an existing broker's
     */
    static MemBroker get(String name, long maxMessages, boolean explicit) {
        MemBroker broker = BROKERS.computeIfAbsent(name, n -> new MemBroker(n, maxMessages));
        if (explicit && broker.maxMessages() != maxMessages) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION, "the mem broker \"" + name
                    + "\" already exists with " + MemOptions.MAX_MESSAGES + "=" + broker.maxMessages()
                    + ", not " + maxMessages);
        }
        return broker;
    }
}
