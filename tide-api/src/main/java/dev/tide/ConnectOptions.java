package dev.tide;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to connect to a backend: a connect timeout plus backend options ({@link OptionKey}s prefixed
 * with the backend's scheme, for example {@code redis.password} or any {@code kafka.*} client
 * property). Immutable: every {@code with}/setter method returns a new instance. Thread-safe.
 */
public final class ConnectOptions {

    /** The connect timeout when none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final ConnectOptions DEFAULTS = new ConnectOptions(DEFAULT_TIMEOUT, Settings.EMPTY);

    private final Duration timeout;
    private final Settings settings;

    private ConnectOptions(Duration timeout, Settings settings) {
        this.timeout = timeout;
        this.settings = settings;
    }

    /** The defaults: a {@link #DEFAULT_TIMEOUT} connect timeout and no backend options. */
    public static ConnectOptions defaults() {
        return DEFAULTS;
    }

    /** How long connecting may take before it fails with {@link StreamException.Kind#CONNECT}. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * These options with another connect timeout.
     *
     * @param timeout positive
     * @return the new options
     */
    public ConnectOptions timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive: " + timeout);
        }
        return new ConnectOptions(timeout, settings);
    }

    /**
     * These options with a typed backend option set.
     *
     * @param key the option
     * @param value its value
     * @param <T> the value type
     * @return the new options
     */
    public <T> ConnectOptions with(OptionKey<T> key, T value) {
        return new ConnectOptions(timeout, settings.with(key.name(), key.type().cast(Objects.requireNonNull(value))));
    }

    /**
     * These options with a backend option given as text, parsed when the backend reads it.
     *
     * @param name the option's name
     * @param value its text
     * @return the new options
     */
    public ConnectOptions with(String name, String value) {
        return new ConnectOptions(timeout, settings.with(name, value));
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
     * The options whose names start with {@code prefix}, as text, with the prefix removed; for passing
     * settings through to a client library (for example every {@code kafka.} option).
     *
     * @param prefix the prefix
     * @return name → text, sorted by name
     */
    public Map<String, String> withPrefix(String prefix) {
        return settings.textWithPrefix(prefix);
    }

    @Override
    public String toString() {
        return "ConnectOptions[timeout=" + timeout + ", " + settings.names() + "]";
    }
}
