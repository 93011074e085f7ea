package dev.tide;

import java.util.Objects;

/**
 * The name of a stream: 1 to 249 characters of {@code [A-Za-z0-9._-]} (Kafka's topic rules, so a key
 * is valid on every backend). The empty key is rejected. {@value #INTERNAL} is reserved for the
 * backends' own markers (such as a file's end-of-stream) and cannot be sent to.
 *
 * <p>Keys order by their names.
 *
 * @param name the validated name
 */
public record StreamKey(String name) implements Comparable<StreamKey> {

    /** The longest name a stream key may have. */
    public static final int MAX_LENGTH = 249;

    /** The reserved stream key of backend-internal messages. */
    public static final String INTERNAL = "SEA_STREAMER_INTERNAL";

    /**
     * Validates and wraps a name.
     *
     * @throws StreamException {@link StreamException.Kind#INVALID_STREAM_KEY} naming the offending
     *     character or length
     */
    public StreamKey {
        Objects.requireNonNull(name, "name");
        String problem = problem(name);
        if (problem != null) {
            throw new StreamException(StreamException.Kind.INVALID_STREAM_KEY,
                    "invalid stream key \"" + name + "\": " + problem + " (expected 1 to 249 of [A-Za-z0-9._-])");
        }
    }

    /**
     * A stream key with the given name.
     *
     * @param name 1 to 249 of {@code [A-Za-z0-9._-]}
     * @return the key
     * @throws StreamException {@link StreamException.Kind#INVALID_STREAM_KEY} if the name is invalid
     */
    public static StreamKey of(String name) {
        return new StreamKey(name);
    }

    /**
     * Whether {@code name} is a valid stream key.
     *
     * @param name a candidate name
     * @return true when {@link #of} would accept it
     */
    public static boolean isValid(String name) {
        return name != null && problem(name) == null;
    }

    /** Whether this is the reserved {@value #INTERNAL} key. */
    public boolean isInternal() {
        return INTERNAL.equals(name);
    }

    private static String problem(String name) {
        if (name.isEmpty()) {
            return "it is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "it is " + name.length() + " characters long";
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isValidChar(name.charAt(i))) {
                return "character '" + name.charAt(i) + "' at index " + i + " is not allowed";
            }
        }
        return null;
    }

    /**
     * Whether a character may appear in a stream key.
     *
     * @param c the character
     * @return true for ASCII letters and digits, '.', '_' and '-'
     */
    public static boolean isValidChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }

    @Override
    public int compareTo(StreamKey other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
