package dev.tide.cli;

import dev.tide.ConnectOptions;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import dev.tide.StreamerUri;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The streamers one command opened, closed together (newest first) when the command ends, or by
 * {@link Shutdown} on Ctrl-C. URLs on the same backend nodes share one connection, so
 * {@code relay --input mem:///a --output mem:///b} reads and writes through one streamer. Used by one
 * thread.
 */
final class Connections implements AutoCloseable {

    private final CliContext ctx;
    private final ConnectOptions options;
    private final Map<StreamerUri, Streamer> streamers = new LinkedHashMap<>();
    private final List<AutoCloseable> registrations = new ArrayList<>();

    Connections(CliContext ctx, ConnectOptions options) {
        this.ctx = ctx;
        this.options = options;
    }

    /**
     * The streamer for a URL's backend nodes, connecting on first use. Blocks while connecting.
     *
     * @param url the stream URL
     * @return the streamer
     * @throws dev.tide.StreamException as {@link Streamer#connect(StreamUrl, ConnectOptions)}
     */
    Streamer connect(StreamUrl url) {
        Streamer streamer = streamers.get(url.streamer());
        if (streamer == null) {
            streamer = Streamer.connect(url, options);
            streamers.put(url.streamer(), streamer);
            registrations.add(ctx.shutdown().register(streamer));
        }
        return streamer;
    }

    /** Closes every streamer, newest first; the first failure is thrown, later ones are suppressed. */
    @Override
    public void close() {
        RuntimeException failure = null;
        List<Streamer> open = new ArrayList<>(streamers.values());
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                registrations.get(i).close();
                open.get(i).close();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                if (failure == null) {
                    failure = r;
                } else {
                    failure.addSuppressed(r);
                }
            }
        }
        streamers.clear();
        registrations.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
