package dev.tide.flow;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A reusable transformation from one flow to another, for example a parsing and validation stage shared
 * by several pipelines. Apply it with {@link Flow#through(Pipe)}.
 *
 * <p>A pipe is a plain function over flows: it only assembles operators, so applying it starts nothing
 * and a pipe can be applied any number of times, from any thread. A lambda is a pipe:
 * <pre>{@code
 * Pipe<String, Integer> parse = lines -> lines.map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt);
 * Flow.of(" 1", "", "2 ").through(parse).toList(); // [1, 2]
 * }</pre>
 *
 * @param <I> the element type of the input flow
 * @param <O> the element type of the output flow
 */
@FunctionalInterface
public interface Pipe<I, O> {

    /**
     * Builds the output flow from {@code input}. Must not run or collect {@code input}.
     *
     * @param input the flow to transform
     * @return the transformed flow, never null
     */
    Flow<O> apply(Flow<I> input);

    /**
     * This pipe followed by {@code next}.
     *
     * @param next applied to this pipe's output
     * @param <R> the element type of the result
     * @return the combined pipe
     */
    default <R> Pipe<I, R> andThen(Pipe<O, R> next) {
        Objects.requireNonNull(next, "next");
        return input -> next.apply(Objects.requireNonNull(apply(input), "pipe returned null"));
    }

    /**
     * {@code before} followed by this pipe.
     *
     * @param before applied first
     * @param <S> the element type of the input of the combined pipe
     * @return the combined pipe
     */
    default <S> Pipe<S, O> compose(Pipe<S, I> before) {
        Objects.requireNonNull(before, "before");
        return before.andThen(this);
    }

    /**
     * The pipe that returns its input unchanged.
     *
     * @param <T> the element type
     * @return the identity pipe
     */
    static <T> Pipe<T, T> identity() {
        return input -> input;
    }

    /**
     * {@code first} followed by {@code second}: the same as {@code first.andThen(second)}.
     *
     * @param first applied first
     * @param second applied to the output of {@code first}
     * @param <I> the input element type
     * @param <M> the intermediate element type
     * @param <O> the output element type
     * @return the combined pipe
     */
    static <I, M, O> Pipe<I, O> compose(Pipe<I, M> first, Pipe<M, O> second) {
        return Objects.requireNonNull(first, "first").andThen(second);
    }

    /**
     * A pipe that applies {@code mapper} to every element ({@link Flow#map}).
     *
     * @param mapper the function
     * @param <I> the input element type
     * @param <O> the output element type
     * @return the pipe
     */
    static <I, O> Pipe<I, O> map(Function<? super I, ? extends O> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return input -> input.map(mapper);
    }

    /**
     * A pipe that keeps the elements passing {@code predicate} ({@link Flow#filter}).
     *
     * @param predicate the test
     * @param <T> the element type
     * @return the pipe
     */
    static <T> Pipe<T, T> filter(Predicate<? super T> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return input -> input.filter(predicate);
    }
}
