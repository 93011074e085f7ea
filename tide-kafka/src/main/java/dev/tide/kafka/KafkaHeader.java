package dev.tide.kafka;

import java.util.Objects;

/**
 * A Kafka record header: a name and a value of bytes. The value array is not copied.
 *
 * @param name the header's name
 * @param value its value
 */
public record KafkaHeader(String name, byte[] value) {

    /** Checks both parts are present. */
    public KafkaHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /**
     * A header with a UTF-8 text value.
     *
     * @param name the header's name
     * @param value its text
     * @return the header
     */
    public static KafkaHeader of(String name, String value) {
        return new KafkaHeader(name, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The value decoded as UTF-8 (malformed bytes become U+FFFD). */
    public String valueAsString() {
        return new String(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaHeader h && name.equals(h.name) && java.util.Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + java.util.Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name + "=" + valueAsString();
    }
}
