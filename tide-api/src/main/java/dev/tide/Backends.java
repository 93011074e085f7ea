package dev.tide;

import dev.tide.spi.StreamerProvider;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The backends on the class path, found with {@link ServiceLoader} once and indexed by scheme. */
final class Backends {

    private static final Map<String, StreamerProvider> BY_SCHEME = load();

    private Backends() {
    }

    private static Map<String, StreamerProvider> load() {
        Map<String, StreamerProvider> map = new TreeMap<>();
        for (StreamerProvider provider : ServiceLoader.load(StreamerProvider.class, Backends.class.getClassLoader())) {
            for (String scheme : provider.schemes()) {
                map.putIfAbsent(scheme, provider);
            }
        }
        return map;
    }

    static StreamerProvider provider(StreamUrl url) {
        String scheme = url.streamer().requireProtocol();
        StreamerProvider provider = BY_SCHEME.get(scheme);
        if (provider == null) {
            throw new StreamException(StreamException.Kind.INVALID_URI, "no backend for scheme \"" + scheme + "\" in "
                    + url + "; schemes on the class path: " + String.join(", ", BY_SCHEME.keySet()));
        }
        return provider;
    }

    static List<String> schemes() {
        return List.copyOf(BY_SCHEME.keySet());
    }
}
