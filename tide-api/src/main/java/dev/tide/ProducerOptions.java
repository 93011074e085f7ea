package dev.tide;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Options of a producer: backend options only ({@link OptionKey}s prefixed with the backend's scheme,
 * such as {@code redis.batch-size}). Immutable and thread-safe.
 */
public final class ProducerOptions {

    private static final ProducerOptions DEFAULTS = new ProducerOptions(Settings.EMPTY);

    private final Settings settings;

    private ProducerOptions(Settings settings) {
        this.settings = settings;
    }

    /** No options set. */
    public static ProducerOptions defaults() {
        return DEFAULTS;
    }

    /**
     * These options with a typed backend option set.
     *
     * @param key the option
     * @param value its value
     * @param <T> the value type
     * @return the new options
     */
    public <T> ProducerOptions with(OptionKey<T> key, T value) {
        return new ProducerOptions(settings.with(key.name(), key.type().cast(Objects.requireNonNull(value))));
    }

    /**
     * These options with a backend option given as text.
     *
     * @param name the option's name
     * @param value its text
     * @return the new options
     */
    public ProducerOptions with(String name, String value) {
        return new ProducerOptions(settings.with(name, value));
    }

    /**
     * The value of an option, or its default.
     *
     * @param key the option
     * @param <T> the value type
     * @return the value
     * @throws StreamException {@link StreamException.Kind#INVALID_OPTION} if a text value does not parse
     */
    public <T> T get(OptionKey<T> key) {
        return settings.get(key);
    }

    /** The names of the options that were set. */
    public Set<String> names() {
        return settings.names();
    }

    /**
     * The options whose names start with {@code prefix}, as text, with the prefix removed.
     *
     * @param prefix the prefix
     * @return name → text, sorted by name
     */
    public Map<String, String> withPrefix(String prefix) {
        return settings.textWithPrefix(prefix);
    }

    @Override
    public String toString() {
        return "ProducerOptions" + settings.names();
    }
}
