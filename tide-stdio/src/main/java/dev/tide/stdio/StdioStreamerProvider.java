package dev.tide.stdio;

import dev.tide.ConnectOptions;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import dev.tide.spi.StreamerProvider;
import java.util.Set;

/**
 * The {@code stdio} backend: streams over standard input and output, one message per line in
 * SeaStreamer's line format. Found by {@link Streamer#connect(String)} for {@code stdio:///key} URLs.
 *
 * <p>Input lines are {@code [timestamp | key | seq | shard] payload}, every header part optional; a line
 * without a key is delivered to every consumer; {@code LOAD_BALANCED} group members share lines by
 * {@code seq % members}; a malformed line is reported and skipped (or, with {@link StdioOptions#STRICT},
 * ends the input with {@link dev.tide.StreamException.Kind#FORMAT}); input EOF ends the consumers with
 * {@link dev.tide.StreamException.Kind#ENDED}. Output lines are
 * {@code [YYYY-MM-DDTHH:MM:SS | key | seq] payload}, printed by one writer so lines never interleave.
 * Seek, rewind, shards other than 0 on send and {@code RESUMABLE} consumers are
 * {@link dev.tide.StreamException.Kind#UNSUPPORTED}; commits of a {@code LOAD_BALANCED} consumer are
 * accepted and need no storage (a line is never redelivered). Options: {@link StdioOptions}.
 *
 * <p>Thread-safe; stateless (the shared per-stream state lives with the connections).
 */
public final class StdioStreamerProvider implements StreamerProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public StdioStreamerProvider() {
    }

    /** {@code stdio}. */
    @Override
    public Set<String> schemes() {
        return Set.of("stdio");
    }

    /**
     * Connects. Does not block and starts no thread: the reader starts with the first consumer, the
     * writer with the first send.
     *
     * @param url {@code stdio:///key1,key2} (no node)
     * @param options the {@link StdioOptions}
     * @return the connection
     * @throws dev.tide.StreamException {@link dev.tide.StreamException.Kind#INVALID_URI} if the URL names a
     *     node, {@link dev.tide.StreamException.Kind#INVALID_OPTION} for an unknown or invalid
     *     {@code stdio.*} option or settings that conflict with another connection on the same input
     */
    @Override
    public Streamer connect(StreamUrl url, ConnectOptions options) {
        return StdioStreamer.connect(url, options);
    }
}
