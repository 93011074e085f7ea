package dev.tide;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A backend and the streams to use on it: {@code proto://node1,node2/key1,key2}.
 *
 * <p>Parsing follows SeaStreamer: split at the first {@code ://}; the <em>last</em> {@code /}
 * separates the node list from the comma-separated stream keys (so {@code file:///var/data/x.ss/a}
 * is the file {@code /var/data/x.ss} and the key {@code a}); the node list is read as by
 * {@link StreamerUri#parse}; empty key items are dropped, so {@code proto://host/} has no keys. Text
 * without a {@code /} after the scheme is not a stream URL ({@code redis://localhost} is a
 * {@link StreamerUri}, {@code redis://localhost/} is a stream URL with no key).
 *
 * @param streamer the backend's nodes
 * @param keys the streams, possibly none
 */
public record StreamUrl(StreamerUri streamer, List<StreamKey> keys) {

    /** Copies the key list. */
    public StreamUrl {
        java.util.Objects.requireNonNull(streamer, "streamer");
        keys = List.copyOf(keys);
    }

    /**
     * Parses {@code proto://nodes/keys}.
     *
     * @param text the URL
     * @return the parsed URL
     * @throws StreamException {@link StreamException.Kind#INVALID_URI} for a malformed URL, or
     *     {@link StreamException.Kind#INVALID_STREAM_KEY} for a malformed key
     */
    public static StreamUrl parse(String text) {
        int sep = text.indexOf("://");
        String protocol = sep < 0 ? null : text.substring(0, sep);
        String rest = sep < 0 ? text : text.substring(sep + 3);
        int slash = rest.lastIndexOf('/');
        if (slash < 0) {
            throw StreamerUri.invalid(text, "no '/' before the stream keys (write " + (protocol == null ? "proto" : protocol)
                    + "://" + rest + "/ for no key)");
        }
        List<StreamKey> keys = new ArrayList<>();
        for (String item : rest.substring(slash + 1).split(",")) {
            if (!item.isEmpty()) {
                keys.add(StreamKey.of(item));
            }
        }
        return new StreamUrl(new StreamerUri(Optional.ofNullable(protocol),
                StreamerUri.nodes(protocol, rest.substring(0, slash), text)), keys);
    }

    /**
     * Parses either form: a {@link StreamUrl} when there is a {@code /} after the scheme, else a
     * {@link StreamerUri} with no keys.
     *
     * @param text {@code proto://nodes} or {@code proto://nodes/keys}
     * @return the parsed URL
     */
    public static StreamUrl parseAny(String text) {
        int sep = text.indexOf("://");
        String rest = sep < 0 ? text : text.substring(sep + 3);
        return rest.indexOf('/') >= 0 ? parse(text) : new StreamUrl(StreamerUri.parse(text), List.of());
    }

    /**
     * The one stream key of this URL.
     *
     * @return the key
     * @throws StreamException {@link StreamException.Kind#STREAM_KEY_EMPTY} when there is none, or
     *     {@link StreamException.Kind#INVALID_URI} when there are several
     */
    public StreamKey key() {
        if (keys.isEmpty()) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY, "no stream key in " + this);
        }
        if (keys.size() > 1) {
            throw new StreamException(StreamException.Kind.INVALID_URI, "expected exactly one stream key in " + this);
        }
        return keys.get(0);
    }

    @Override
    public String toString() {
        return streamer + "/" + String.join(",", keys.stream().map(StreamKey::name).toList());
    }
}
