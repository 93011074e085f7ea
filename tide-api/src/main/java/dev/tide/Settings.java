package dev.tide;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/** The immutable name → value map behind the options classes; a value is typed or text. */
record Settings(Map<String, Object> values) {

    static final Settings EMPTY = new Settings(Map.of());

    Settings {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    Settings with(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isBlank()) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION, "an option needs a name");
        }
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(name, value);
        return new Settings(copy);
    }

    <T> T get(OptionKey<T> key) {
        Object stored = values.get(key.name());
        return stored == null ? key.defaultValue() : key.convert(stored);
    }

    Set<String> names() {
        return values.keySet();
    }

    Map<String, String> textWithPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), String.valueOf(value));
            }
        });
        return out;
    }
}
