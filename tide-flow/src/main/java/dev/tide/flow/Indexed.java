package dev.tide.flow;

import java.util.Objects;

/**
 * An element with its position in a flow, counted from zero: what {@link Flow#zipWithIndex()} emits.
 *
 * @param index the position, zero for the first element
 * @param value the element, never null
 * @param <T> the element type
 */
public record Indexed<T>(long index, T value) {

    /**
     * Creates an indexed element.
     *
     * @throws IllegalArgumentException if {@code index} is negative
     * @throws NullPointerException if {@code value} is null
     */
    public Indexed {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative: " + index);
        }
        Objects.requireNonNull(value, "value");
    }
}
