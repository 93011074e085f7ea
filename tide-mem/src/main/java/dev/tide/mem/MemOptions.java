package dev.tide.mem;

import dev.tide.ConnectOptions;
import dev.tide.OptionKey;
import dev.tide.StreamException;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the {@code mem} backend. Give them to {@link ConnectOptions#with(OptionKey, Object)}:
 * <pre>{@code
 * Streamer.connect("mem://test/", ConnectOptions.defaults().with(MemOptions.CLOCK, fixedClock))
 * }</pre>
 * Consumers and producers of the {@code mem} backend take no options of their own; an option named
 * {@code mem.*} that is not listed here fails with {@link StreamException.Kind#INVALID_OPTION}.
 */
public final class MemOptions {

    /**
     * The clock that stamps the messages produced through this connection (default: the system UTC
     * clock). Inject a controllable clock for deterministic timestamps. Within one stream shard,
     * timestamps never go backwards: a message stamped earlier than the one before it gets that one's
     * timestamp. Can only be given from code.
     */
    public static final OptionKey<Clock> CLOCK = OptionKey.object("mem.clock", Clock.class, Clock.systemUTC());

    /**
     * How many messages each stream shard of the broker keeps (default 0: all of them). When a shard
     * is full, its oldest message is dropped; {@code SeqPos.BEGINNING} then means the oldest kept one.
     * It applies to the broker created by this connection: connecting to an existing broker with
     * another value fails with {@link StreamException.Kind#INVALID_OPTION}.
     */
    public static final OptionKey<Long> MAX_MESSAGES = OptionKey.longInteger("mem.max-messages", 0L);

    static final String PREFIX = "mem.";
    static final Set<String> CONNECT = Set.of(CLOCK.name(), MAX_MESSAGES.name());

    private MemOptions() {
    }

    /**
     * Fails on a {@code mem.*} option name that is not in {@code known}.
     *
     * @param names the names that were set
     * @param known the names this kind of options takes
     * @param what "connection", "consumer" or "producer", for the message
     */
    static void checkNames(Set<String> names, Set<String> known, String what) {
        for (String name : names) {
            if (name.startsWith(PREFIX) && !known.contains(name)) {
                throw new StreamException(StreamException.Kind.INVALID_OPTION, "unknown option " + name
                        + " for a mem " + what + (known.isEmpty() ? "; it takes no mem.* option"
                        : "; known: " + String.join(", ", new TreeSet<>(known))));
            }
        }
    }
}
