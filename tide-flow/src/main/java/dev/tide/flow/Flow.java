package dev.tide.flow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A cold, composable sequence of elements.
 *
 * <p>A flow is a description: nothing runs until a terminal operation ({@link #toList()},
 * {@link #forEach}, {@link #fold}, {@link #drainTo}...) collects it, and then it runs on the caller's
 * thread, sequentially, unless an operator says it is concurrent. Collecting the same flow twice runs
 * it twice from the start; operators keep their per-run state inside {@link #collect}, never in fields.
 * Elements are never null.
 *
 * <p>Errors are exceptions: a failure anywhere ends the flow and reaches the terminal operation with
 * its original cause. Unchecked exceptions pass through unchanged; a checked one, or an interruption,
 * is wrapped in a {@link FlowException}.
 *
 * <p>{@code collect} is the only abstract method, so a lambda is a flow:
 * <pre>{@code
 * Flow<Integer> countdown = emitter -> {
 *     for (int i = 3; i > 0; i--) {
 *         emitter.emit(i);
 *     }
 * };
 * countdown.map(i -> i * 10).toList(); // [30, 20, 10]
 * }</pre>
 * Such a flow must emit from the collecting thread only and must let exceptions thrown by
 * {@code emit} propagate (see {@link Emitter}).
 *
 * @param <T> the element type
 */
@FunctionalInterface
public interface Flow<T> {

    /**
     * Runs this flow, handing every element to {@code emitter} on the calling thread. This is the
     * primitive that every operator and terminal operation is built on; application code usually calls
     * a terminal operation instead, which translates checked exceptions.
     *
     * <p>Blocks until the flow completes, fails, or is stopped by an exception thrown from
     * {@code emitter}.
     *
     * @param emitter receives the elements
     * @throws Exception whatever the flow or the emitter threw
     */
    void collect(Emitter<? super T> emitter) throws Exception;

    // ------------------------------------------------------------------ creation

    /**
     * A flow of the given elements, in order.
     *
     * @param values the elements, none null
     * @param <T> the element type
     * @return a flow emitting {@code values}
     * @throws NullPointerException if an element is null
     */
    @SafeVarargs
    static <T> Flow<T> of(T... values) {
        for (T value : values) {
            Objects.requireNonNull(value, "Flow.of: elements must not be null");
        }
        return new FlowFromIterable<>(List.copyOf(Arrays.asList(values)));
    }

    /**
     * A flow that completes at once without emitting.
     *
     * @param <T> the element type
     * @return the empty flow
     */
    static <T> Flow<T> empty() {
        return emitter -> { };
    }

    /**
     * A flow of an iterable's elements; every collection calls {@link Iterable#iterator()} afresh.
     *
     * <p><em>Emits when</em> the next element is taken from the iterator.
     * <em>Completes when</em> the iterator has no more elements.
     * <em>Fails when</em> the iterator throws, or yields null ({@link NullPointerException}).
     *
     * @param source the elements
     * @param <T> the element type
     * @return a flow over {@code source}
     */
    static <T> Flow<T> fromIterable(Iterable<? extends T> source) {
        return new FlowFromIterable<>(Objects.requireNonNull(source, "source"));
    }

    // ------------------------------------------------------------------ transformations

    /**
     * Applies a function to every element.
     *
     * <p><em>Emits when</em> the function returns for an upstream element.
     * <em>Blocks upstream when</em> downstream blocks.
     * <em>Completes when</em> upstream completes.
     * <em>Fails when</em> upstream fails, or the function throws (its exception, unchanged) or returns
     * null ({@link NullPointerException}).
     *
     * @param mapper the function, called on the collecting thread, one element at a time
     * @param <R> the result type
     * @return the mapped flow
     */
    default <R> Flow<R> map(Function<? super T, ? extends R> mapper) {
        return new FlowMap<>(this, Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * Keeps the elements that satisfy a predicate, in order.
     *
     * <p><em>Emits when</em> an element passes the predicate.
     * <em>Completes when</em> upstream completes.
     * <em>Fails when</em> upstream fails or the predicate throws.
     *
     * @param predicate the test, called on the collecting thread
     * @return the filtered flow
     */
    default Flow<T> filter(Predicate<? super T> predicate) {
        return new FlowFilter<>(this, Objects.requireNonNull(predicate, "predicate"));
    }

    /**
     * Emits the first {@code n} elements, then stops upstream and completes.
     *
     * <p><em>Emits when</em> upstream emits and fewer than {@code n} elements were emitted.
     * <em>Completes when</em> the {@code n}-th element was emitted (upstream is stopped before it
     * produces another: its resources are released), or upstream completes.
     * <em>Fails when</em> upstream fails before the {@code n}-th element.
     * With {@code n == 0} upstream is not collected at all.
     *
     * @param n how many elements to keep, zero or more
     * @return the truncated flow
     * @throws IllegalArgumentException if {@code n} is negative
     */
    default Flow<T> take(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("take count must not be negative: " + n);
        }
        return new FlowTake<>(this, n);
    }

    // ------------------------------------------------------------------ terminal operations

    /**
     * Collects the flow and calls {@code action} for every element, on the calling thread. Blocks until
     * the flow completes.
     *
     * @param action what to do with each element
     * @throws FlowException if the flow fails with a checked exception or the thread is interrupted;
     *     unchecked exceptions propagate unchanged
     */
    default void forEach(Consumer<? super T> action) {
        Objects.requireNonNull(action, "action");
        Terminals.run(this, action::accept);
    }

    /**
     * Collects every element into a new mutable list, in order. Never truncates: the list holds every
     * element the flow emitted. Blocks until the flow completes.
     *
     * @return the elements
     * @throws FlowException if the flow fails with a checked exception or the thread is interrupted
     */
    default List<T> toList() {
        List<T> result = new ArrayList<>();
        Terminals.run(this, result::add);
        return result;
    }

    /**
     * Combines the elements from left to right, starting with {@code initial}. Blocks until the flow
     * completes.
     *
     * @param initial the starting value
     * @param accumulator combines the value so far with the next element; must not return null
     * @param <A> the accumulated type
     * @return the final value, {@code initial} for an empty flow
     * @throws FlowException if the flow fails with a checked exception or the thread is interrupted
     */
    default <A> A fold(A initial, BiFunction<? super A, ? super T, ? extends A> accumulator) {
        Objects.requireNonNull(accumulator, "accumulator");
        List<A> acc = new ArrayList<>(1);
        acc.add(Objects.requireNonNull(initial, "initial"));
        Terminals.run(this, value -> acc.set(0, Objects.requireNonNull(accumulator.apply(acc.get(0), value),
                "fold accumulator returned null")));
        return acc.get(0);
    }

    /**
     * Counts the elements. Blocks until the flow completes.
     *
     * @return the number of elements
     */
    default long count() {
        long[] n = {0};
        Terminals.run(this, value -> n[0]++);
        return n[0];
    }

    /**
     * The first element, if any; upstream is stopped as soon as it is emitted.
     *
     * @return the first element, or empty for an empty flow
     */
    default Optional<T> first() {
        List<T> found = new ArrayList<>(1);
        Terminals.run(take(1), found::add);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /**
     * Writes every element to {@code sink}, then {@linkplain Sink#flush() flushes} it. Does not close
     * the sink. Blocks until the flow completes and the flush returns.
     *
     * @param sink where the elements go, for example a stream producer
     * @return how many elements were written
     */
    default long drainTo(Sink<? super T> sink) {
        Objects.requireNonNull(sink, "sink");
        long[] n = {0};
        Terminals.run(this, value -> {
            sink.write(value);
            n[0]++;
        });
        sink.flush();
        return n[0];
    }
}
