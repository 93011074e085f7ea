package dev.tide;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Options of a consumer: its {@link ConsumerMode}, its {@link ConsumerGroup}, where it starts without a
 * committed position ({@link StreamReset}, {@link StreamReset#LATEST} unless set), and backend options.
 * Immutable and thread-safe.
 *
 * <p>The mode rules, checked when the consumer is created: {@link ConsumerMode#REAL_TIME} allows no
 * group ({@link StreamException.Kind#CONSUMER_GROUP_IS_SET}); {@link ConsumerMode#LOAD_BALANCED} needs
 * one ({@link StreamException.Kind#CONSUMER_GROUP_NOT_SET}); {@link ConsumerMode#RESUMABLE} uses
 * {@link ConsumerGroup#hostDefault()} when none is given.
 */
public final class ConsumerOptions {

    private final ConsumerMode mode;
    private final ConsumerGroup group;
    private final StreamReset reset;
    private final Settings settings;

    private ConsumerOptions(ConsumerMode mode, ConsumerGroup group, StreamReset reset, Settings settings) {
        this.mode = mode;
        this.group = group;
        this.reset = reset;
        this.settings = settings;
    }

    /**
     * Options of the given mode, without a group, starting at {@link StreamReset#LATEST}.
     *
     * @param mode the mode
     * @return the options
     */
    public static ConsumerOptions of(ConsumerMode mode) {
        return new ConsumerOptions(Objects.requireNonNull(mode, "mode"), null, StreamReset.LATEST, Settings.EMPTY);
    }

    /** {@link ConsumerMode#REAL_TIME} options. */
    public static ConsumerOptions realTime() {
        return of(ConsumerMode.REAL_TIME);
    }

    /** {@link ConsumerMode#RESUMABLE} options, under the host's default group. */
    public static ConsumerOptions resumable() {
        return of(ConsumerMode.RESUMABLE);
    }

    /**
     * {@link ConsumerMode#LOAD_BALANCED} options in the given group.
     *
     * @param group the group's name
     * @return the options
     */
    public static ConsumerOptions loadBalanced(String group) {
        return of(ConsumerMode.LOAD_BALANCED).group(group);
    }

    /** The mode. */
    public ConsumerMode mode() {
        return mode;
    }

    /** The group, if one was given. */
    public Optional<ConsumerGroup> group() {
        return Optional.ofNullable(group);
    }

    /**
     * These options with a group.
     *
     * @param name the group's name
     * @return the new options
     */
    public ConsumerOptions group(String name) {
        return group(ConsumerGroup.of(name));
    }

    /**
     * These options with a group.
     *
     * @param group the group
     * @return the new options
     */
    public ConsumerOptions group(ConsumerGroup group) {
        return new ConsumerOptions(mode, Objects.requireNonNull(group, "group"), reset, settings);
    }

    /** Where the consumer starts when it has no committed position. */
    public StreamReset reset() {
        return reset;
    }

    /**
     * These options with another start position.
     *
     * @param reset where to start without a committed position
     * @return the new options
     */
    public ConsumerOptions reset(StreamReset reset) {
        return new ConsumerOptions(mode, group, Objects.requireNonNull(reset, "reset"), settings);
    }

    /**
     * Checks the mode rules and resolves the default group of a resumable consumer.
     *
     * @return these options, with {@link ConsumerGroup#hostDefault()} filled in for a
     *     {@link ConsumerMode#RESUMABLE} consumer without a group
     * @throws StreamException {@link StreamException.Kind#CONSUMER_GROUP_IS_SET} or
     *     {@link StreamException.Kind#CONSUMER_GROUP_NOT_SET} when the group does not fit the mode
     */
    public ConsumerOptions checked() {
        return switch (mode) {
            case REAL_TIME -> {
                if (group != null) {
                    throw new StreamException(StreamException.Kind.CONSUMER_GROUP_IS_SET,
                            "a REAL_TIME consumer takes no consumer group (got \"" + group
                                    + "\"); use RESUMABLE or LOAD_BALANCED to read as a group");
                }
                yield this;
            }
            case RESUMABLE -> group != null ? this : group(ConsumerGroup.hostDefault());
            case LOAD_BALANCED -> {
                if (group == null) {
                    throw new StreamException(StreamException.Kind.CONSUMER_GROUP_NOT_SET,
                            "a LOAD_BALANCED consumer needs a consumer group");
                }
                yield this;
            }
        };
    }

    /**
     * These options with a typed backend option set.
     *
     * @param key the option
     * @param value its value
     * @param <T> the value type
     * @return the new options
     */
    public <T> ConsumerOptions with(OptionKey<T> key, T value) {
        return new ConsumerOptions(mode, group, reset,
                settings.with(key.name(), key.type().cast(Objects.requireNonNull(value))));
    }

    /**
     * These options with a backend option given as text.
     *
     * @param name the option's name
     * @param value its text
     * @return the new options
     */
    public ConsumerOptions with(String name, String value) {
        return new ConsumerOptions(mode, group, reset, settings.with(name, value));
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

    /** The names of the backend options that were set. */
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
        return "ConsumerOptions[" + mode + (group == null ? "" : ", group=" + group) + ", reset=" + reset
                + (settings.names().isEmpty() ? "" : ", " + settings.names()) + "]";
    }
}
