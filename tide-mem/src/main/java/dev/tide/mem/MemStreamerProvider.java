package dev.tide.mem;

import dev.tide.ConnectOptions;
import dev.tide.StreamException;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import dev.tide.spi.StreamerProvider;
import java.time.Clock;
import java.util.Set;

/**
 * The {@code mem} backend: an in-process broker with the whole streaming contract (the three consumer
 * modes, consumer groups, commits, seek and rewind, shards). {@code mem://name/keys} connects to the
 * broker called {@code name}; {@code mem:///keys} to the process-wide default broker. Brokers live as
 * long as the process: every connection to the same name shares its streams, positions and commits,
 * and closing a connection closes its producers and consumers but keeps the data.
 *
 * <p>Found by {@link java.util.ServiceLoader}; use {@link Streamer#connect(String)}. Thread-safe.
 */
public final class MemStreamerProvider implements StreamerProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public MemStreamerProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of("mem");
    }

    /**
     * Connects to the named broker, creating it on first use. Never blocks.
     *
     * @throws StreamException {@link StreamException.Kind#INVALID_URI} for more than one node,
     *     {@link StreamException.Kind#INVALID_OPTION} for an unknown {@code mem.*} option or a value that
     *     does not fit
     */
    @Override
    public Streamer connect(StreamUrl url, ConnectOptions options) {
        if (url.streamer().nodes().size() != 1) {
            throw new StreamException(StreamException.Kind.INVALID_URI,
                    "a mem URI names one broker, not " + url.streamer().nodes().size() + ": " + url);
        }
        MemOptions.checkNames(options.names(), MemOptions.CONNECT, "connection");
        Clock clock = options.get(MemOptions.CLOCK);
        long maxMessages = options.get(MemOptions.MAX_MESSAGES);
        if (maxMessages < 0) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION,
                    "option " + MemOptions.MAX_MESSAGES + " must be 0 (no limit) or positive: " + maxMessages);
        }
        String name = url.streamer().nodeTexts().get(0);
        MemBroker broker = MemBrokers.get(name, maxMessages,
                options.names().contains(MemOptions.MAX_MESSAGES.name()));
        return new MemStreamer(url, broker, clock);
    }
}
