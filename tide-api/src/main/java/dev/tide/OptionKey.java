package dev.tide;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * A typed, named option of a backend, such as {@code redis.batch-size}. Names are prefixed with the
 * backend's scheme, so one options object can carry settings for several backends and each backend
 * reads its own. An option can be given typed, from code, or as text, from a command line
 * ({@code --option redis.batch-size=500}); text is parsed when the option is read.
 *
 * @param <T> the value type
 */
public final class OptionKey<T> {

    private final String name;
    private final Class<T> type;
    private final T defaultValue;
    private final Function<String, ? extends T> parser;

    private OptionKey(String name, Class<T> type, T defaultValue, Function<String, ? extends T> parser) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
        this.parser = parser;
    }

    /**
     * An option of any type.
     *
     * @param name the option's name, prefixed with the backend's scheme
     * @param type the value type
     * @param defaultValue the value when the option is not given
     * @param parser parses the text form, throwing {@link IllegalArgumentException} on bad input; null
     *     if the option cannot be given as text
     * @param <T> the value type
     * @return the option
     */
    public static <T> OptionKey<T> of(String name, Class<T> type, T defaultValue, Function<String, ? extends T> parser) {
        return new OptionKey<>(name, type, defaultValue, parser);
    }

    /** A text option. */
    public static OptionKey<String> string(String name, String defaultValue) {
        return new OptionKey<>(name, String.class, defaultValue, Function.identity());
    }

    /** A whole-number option. */
    public static OptionKey<Integer> integer(String name, int defaultValue) {
        return new OptionKey<>(name, Integer.class, defaultValue, Integer::valueOf);
    }

    /** A long whole-number option. */
    public static OptionKey<Long> longInteger(String name, long defaultValue) {
        return new OptionKey<>(name, Long.class, defaultValue, Long::valueOf);
    }

    /** A yes/no option; the text form is {@code true} or {@code false}. */
    public static OptionKey<Boolean> bool(String name, boolean defaultValue) {
        return new OptionKey<>(name, Boolean.class, defaultValue, OptionKey::parseBoolean);
    }

    /** A duration option; the text form is as {@link Durations#parse}. */
    public static OptionKey<Duration> duration(String name, Duration defaultValue) {
        return new OptionKey<>(name, Duration.class, defaultValue, Durations::parse);
    }

    /** An option that can only be given from code, such as a stream to read from. */
    public static <T> OptionKey<T> object(String name, Class<T> type, T defaultValue) {
        return new OptionKey<>(name, type, defaultValue, null);
    }

    private static Boolean parseBoolean(String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> Boolean.TRUE;
            case "false", "no", "off", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    /** The option's name. */
    public String name() {
        return name;
    }

    /** The value type. */
    public Class<T> type() {
        return type;
    }

    /** The value when the option is not given. */
    public T defaultValue() {
        return defaultValue;
    }

    /** Converts a stored value (typed, or text to parse) to this option's type. */
    T convert(Object stored) {
        if (stored instanceof String text && type != String.class) {
            if (parser == null) {
                throw new StreamException(StreamException.Kind.INVALID_OPTION,
                        "option " + name + " cannot be given as text");
            }
            try {
                return type.cast(parser.apply(text));
            } catch (RuntimeException e) {
                throw new StreamException(StreamException.Kind.INVALID_OPTION,
                        "invalid value \"" + text + "\" for option " + name + ": " + e.getMessage(), e);
            }
        }
        if (!type.isInstance(stored)) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION,
                    "option " + name + " needs a " + type.getSimpleName() + ", not " + stored.getClass().getSimpleName());
        }
        return type.cast(stored);
    }

    @Override
    public String toString() {
        return name;
    }
}
