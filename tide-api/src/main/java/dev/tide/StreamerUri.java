package dev.tide;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a backend is: one or more nodes sharing a scheme, written {@code proto://node1,node2}.
 *
 * <p>Parsing follows SeaStreamer: the text is split at the first {@code ://} into the protocol and the
 * node list; the node list is split on commas (empty items are dropped) and each node is read as
 * {@code proto://node}. An empty node list means the local node and reads as {@code proto://.}
 * ({@code stdio://} → {@code stdio://.}). Text without {@code ://} is read as one or more absolute URIs
 * and has no protocol.
 *
 * @param protocol the scheme before {@code ://}, if there was one
 * @param nodes the nodes, at least one
 */
public record StreamerUri(Optional<String> protocol, List<URI> nodes) {

    /** Copies the node list and checks there is at least one node. */
    public StreamerUri {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new StreamException(StreamException.Kind.INVALID_URI, "a streamer URI needs at least one node");
        }
    }

    /**
     * Parses {@code proto://node1,node2}.
     *
     * @param text the URI
     * @return the parsed URI
     * @throws StreamException {@link StreamException.Kind#INVALID_URI} naming the text and the problem
     */
    public static StreamerUri parse(String text) {
        int sep = text.indexOf("://");
        if (sep < 0) {
            return new StreamerUri(Optional.empty(), nodes(null, text, text));
        }
        return new StreamerUri(Optional.of(text.substring(0, sep)), nodes(text.substring(0, sep), text.substring(sep + 3), text));
    }

    static List<URI> nodes(String protocol, String list, String whole) {
        if (protocol != null && protocol.isEmpty()) {
            throw invalid(whole, "the scheme before :// is empty");
        }
        List<URI> nodes = new ArrayList<>();
        if (list.isEmpty()) {
            if (protocol == null) {
                throw invalid(whole, "a scheme is required, such as mem:// or kafka://");
            }
            nodes.add(uri(protocol + "://.", whole));
            return nodes;
        }
        for (String item : list.split(",")) {
            if (!item.isEmpty()) {
                URI node = uri(protocol == null ? item : protocol + "://" + item, whole);
                if (protocol == null && !node.isAbsolute()) {
                    throw invalid(whole, "\"" + item + "\" has no scheme");
                }
                nodes.add(node);
            }
        }
        if (nodes.isEmpty()) {
            throw invalid(whole, "no node is given");
        }
        return nodes;
    }

    private static URI uri(String text, String whole) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new StreamException(StreamException.Kind.INVALID_URI,
                    "invalid node \"" + text + "\" in \"" + whole + "\": " + e.getReason(), e);
        }
    }

    static StreamException invalid(String text, String problem) {
        return new StreamException(StreamException.Kind.INVALID_URI, "invalid stream URI \"" + text + "\": " + problem);
    }

    /**
     * The protocol, or an error if there is none.
     *
     * @return the scheme before {@code ://}
     * @throws StreamException {@link StreamException.Kind#INVALID_URI} when there is no protocol
     */
    public String requireProtocol() {
        return protocol.orElseThrow(() -> invalid(toString(), "a scheme is required, such as mem:// or kafka://"));
    }

    /**
     * The nodes without their scheme, as given: {@code host:port}, a path, or {@code .} for the local node.
     *
     * @return one text per node
     */
    public List<String> nodeTexts() {
        List<String> out = new ArrayList<>(nodes.size());
        for (URI node : nodes) {
            String s = node.toString();
            int sep = s.indexOf("://");
            out.add(sep < 0 ? s : s.substring(sep + 3));
        }
        return out;
    }

    /** Whether the node list was empty: {@code proto://}, the backend's local default. */
    public boolean isLocal() {
        return nodes.size() == 1 && ".".equals(nodeTexts().get(0));
    }

    @Override
    public String toString() {
        return protocol.map(p -> p + "://" + String.join(",", nodeTexts()))
                .orElseGet(() -> String.join(",", nodes.stream().map(URI::toString).toList()));
    }
}
