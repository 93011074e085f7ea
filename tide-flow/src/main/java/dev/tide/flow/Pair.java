package dev.tide.flow;

import java.util.Objects;

/**
 * Two values side by side: what {@link Flow#zip}, {@link Flow#groupAdjacentBy} and {@link Flow#unfold}
 * work with. Immutable; neither value is null.
 *
 * @param first the first value
 * @param second the second value
 * @param <A> the type of the first value
 * @param <B> the type of the second value
 */
public record Pair<A, B>(A first, B second) {

    /**
     * Creates a pair.
     *
     * @throws NullPointerException if a value is null
     */
    public Pair {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
    }

    /**
     * Creates a pair.
     *
     * @param first the first value
     * @param second the second value
     * @param <A> the type of the first value
     * @param <B> the type of the second value
     * @return the pair
     * @throws NullPointerException if a value is null
     */
    public static <A, B> Pair<A, B> of(A first, B second) {
        return new Pair<>(first, second);
    }
}
