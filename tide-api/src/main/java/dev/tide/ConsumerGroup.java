package dev.tide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The name of a consumer group: the consumers that share streams ({@link ConsumerMode#LOAD_BALANCED})
 * or the identity a {@link ConsumerMode#RESUMABLE} consumer resumes under.
 *
 * @param name 1 to 255 printable characters
 */
public record ConsumerGroup(String name) {

    /**
     * Validates the name.
     *
     * @throws IllegalArgumentException if the name is empty, too long or has control characters
     */
    public ConsumerGroup {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 255) {
            throw new IllegalArgumentException("consumer group name must be 1 to 255 characters: \"" + name + "\"");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException("consumer group name has a control character at index " + i);
            }
        }
    }

    /**
     * A group with the given name.
     *
     * @param name 1 to 255 printable characters
     * @return the group
     */
    public static ConsumerGroup of(String name) {
        return new ConsumerGroup(name);
    }

    /**
     * The default group of a {@link ConsumerMode#RESUMABLE} consumer that was given none: derived from
     * the host name, so the same program on the same host resumes where it stopped.
     *
     * @return {@code <host>-resumable}
     */
    public static ConsumerGroup hostDefault() {
        return new ConsumerGroup(hostName() + "-resumable");
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            String file = Files.readString(Path.of("/etc/hostname")).strip();
            if (!file.isEmpty()) {
                return file;
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the portable default
        }
        return "localhost";
    }

    @Override
    public String toString() {
        return name;
    }
}
