package dev.tide.flow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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

    /**
     * A flow of a {@link java.util.stream.Stream}'s elements. A stream can be consumed only once, so this
     * flow is single-use: the first collection consumes and closes the stream, a second collection fails
     * with {@link IllegalStateException}. Use {@link #fromStream(Supplier)} for a flow that can be
     * collected again.
     *
     * <p><em>Emits when</em> the stream yields an element. <em>Completes when</em> the stream is
     * exhausted. <em>Fails when</em> the stream throws or yields null. <em>Cancels when</em> downstream
     * stops: the stream is closed (its {@code onClose} handlers run once, in every case).
     *
     * @param stream the elements
     * @param <T> the element type
     * @return a single-use flow over {@code stream}
     */
    static <T> Flow<T> fromStream(java.util.stream.Stream<? extends T> stream) {
        return FlowFromStream.once(Objects.requireNonNull(stream, "stream"));
    }

    /**
     * A flow of the elements of a stream made afresh for every collection by {@code streams}, and closed
     * when that collection ends (completion, failure or early stop).
     *
     * @param streams creates the stream; called once per collection on the collecting thread
     * @param <T> the element type
     * @return a re-collectable flow
     */
    static <T> Flow<T> fromStream(Supplier<? extends java.util.stream.Stream<? extends T>> streams) {
        return FlowFromStream.perCollection(Objects.requireNonNull(streams, "streams"));
    }

    /**
     * A flow of what an iterator yields. Single-use like the iterator: a second collection fails with
     * {@link IllegalStateException}; use {@link #fromIterable} for a re-collectable flow.
     *
     * @param iterator the elements
     * @param <T> the element type
     * @return a single-use flow
     */
    static <T> Flow<T> fromIterator(Iterator<? extends T> iterator) {
        return new FlowFromIterator<>(Objects.requireNonNull(iterator, "iterator"));
    }

    /**
     * A flow of one element, the result of calling {@code callable} when (and each time) the flow is
     * collected, on the collecting thread.
     *
     * <p><em>Emits when</em> the callable returns. <em>Fails when</em> it throws (its exception,
     * unchanged; a checked one reaches the terminal operation as {@link FlowException} CHECKED) or returns
     * null ({@link NullPointerException}).
     *
     * @param callable computes the element
     * @param <T> the element type
     * @return a one-element flow
     */
    static <T> Flow<T> fromCallable(java.util.concurrent.Callable<? extends T> callable) {
        return new FlowFromCallable<>(Objects.requireNonNull(callable, "callable"));
    }

    /**
     * An endless flow repeating {@code value}; stop it with {@link #take} or another limiting operator.
     * <em>Completes</em> never on its own; stops when downstream stops it or the collecting thread is
     * interrupted.
     *
     * @param value the element
     * @param <T> the element type
     * @return an endless flow
     */
    static <T> Flow<T> repeat(T value) {
        Objects.requireNonNull(value, "value");
        return new FlowGenerate<>("repeat", () -> value);
    }

    /**
     * An endless flow of {@code supplier}'s results, one call per element, on the collecting thread.
     * <em>Fails when</em> the supplier throws or returns null. Stops when downstream stops it or the
     * collecting thread is interrupted.
     *
     * @param supplier produces the elements
     * @param <T> the element type
     * @return an endless flow
     */
    static <T> Flow<T> generate(Supplier<? extends T> supplier) {
        return new FlowGenerate<>("generate", Objects.requireNonNull(supplier, "supplier"));
    }

    /**
     * A flow built from a state: {@code step} maps the current state to the next element and the next
     * state, or to empty to complete. Every collection starts from {@code initial} (keep the state
     * immutable).
     * <pre>{@code
     * Flow.unfold(new long[] {0, 1}, s -> Optional.of(Pair.of(s[0], new long[] {s[1], s[0] + s[1]}))).take(6).toList();
     * // [0, 1, 1, 2, 3, 5]
     * }</pre>
     * <em>Emits when</em> {@code step} returns an element. <em>Completes when</em> it returns empty.
     * <em>Fails when</em> it throws or returns null.
     *
     * @param initial the first state
     * @param step the state transition, called on the collecting thread
     * @param <S> the state type
     * @param <T> the element type
     * @return the unfolded flow
     */
    static <S, T> Flow<T> unfold(S initial, Function<? super S, Optional<Pair<T, S>>> step) {
        return new FlowUnfold<>(Objects.requireNonNull(initial, "initial"), Objects.requireNonNull(step, "step"));
    }

    /**
     * The endless flow {@code seed, next(seed), next(next(seed)), ...}. Every collection starts at the
     * seed. <em>Fails when</em> {@code next} throws or returns null.
     *
     * @param seed the first element
     * @param next computes an element from the previous one
     * @param <T> the element type
     * @return an endless flow
     */
    static <T> Flow<T> iterate(T seed, UnaryOperator<T> next) {
        return iterate(seed, value -> true, next);
    }

    /**
     * The flow {@code seed, next(seed), ...} for as long as {@code hasNext} holds, like
     * {@link java.util.stream.Stream#iterate(Object, Predicate, UnaryOperator)}.
     *
     * @param seed the first candidate element
     * @param hasNext tested on every candidate before it is emitted; the first false completes the flow
     * @param next computes the next candidate from the previous element
     * @param <T> the element type
     * @return the flow
     */
    static <T> Flow<T> iterate(T seed, Predicate<? super T> hasNext, UnaryOperator<T> next) {
        return new FlowIterate<>(Objects.requireNonNull(seed, "seed"), Objects.requireNonNull(hasNext, "hasNext"),
                Objects.requireNonNull(next, "next"));
    }

    /**
     * The integers from {@code startInclusive} up to {@code endExclusive}, ascending; empty when
     * {@code endExclusive <= startInclusive}.
     *
     * @param startInclusive the first element
     * @param endExclusive one past the last element
     * @return the range
     */
    static Flow<Integer> range(int startInclusive, int endExclusive) {
        return new FlowRange.Ints(startInclusive, endExclusive);
    }

    /**
     * The longs from {@code startInclusive} up to {@code endExclusive}, ascending; empty when
     * {@code endExclusive <= startInclusive}.
     *
     * @param startInclusive the first element
     * @param endExclusive one past the last element
     * @return the range
     */
    static Flow<Long> range(long startInclusive, long endExclusive) {
        return new FlowRange.Longs(startInclusive, endExclusive);
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

    /**
     * Replaces every element by the elements of the flow {@code mapper} returns for it, collecting each
     * inner flow to its end before taking the next element (sequential; the same as
     * {@link #concatMap}). For concurrent flattening see the concurrency operators.
     *
     * <p><em>Emits when</em> the current inner flow emits. <em>Blocks upstream when</em> an inner flow is
     * being collected or downstream blocks. <em>Completes when</em> upstream and the last inner flow have
     * completed. <em>Fails when</em> upstream, the mapper or an inner flow fails. <em>Cancels when</em>
     * downstream stops: the current inner flow and upstream are stopped. Order: inner flows in upstream
     * order, each in its own order.
     *
     * @param mapper returns the inner flow for an element; called on the collecting thread
     * @param <R> the result element type
     * @return the flattened flow
     */
    default <R> Flow<R> flatMap(Function<? super T, ? extends Flow<? extends R>> mapper) {
        return new FlowFlatMap<>(this, "flatMap", Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * The same as {@link #flatMap}: every inner flow is collected to its end before the next one starts.
     *
     * @param mapper returns the inner flow for an element
     * @param <R> the result element type
     * @return the concatenated flow
     */
    default <R> Flow<R> concatMap(Function<? super T, ? extends Flow<? extends R>> mapper) {
        return new FlowFlatMap<>(this, "concatMap", Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * Applies a function to every element and drops the elements for which it returns null.
     *
     * <p><em>Emits when</em> the function returns a non-null value. <em>Completes when</em> upstream
     * completes. <em>Fails when</em> upstream or the function fails.
     *
     * @param mapper the function; null means "skip this element"
     * @param <R> the result type
     * @return the mapped flow
     */
    default <R> Flow<R> mapNotNull(Function<? super T, ? extends R> mapper) {
        return new FlowMapNotNull<>(this, Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * Emits elements while they satisfy {@code predicate}; the first element that does not is dropped,
     * upstream is stopped and the flow completes.
     *
     * <p><em>Emits when</em> an element passes. <em>Completes when</em> an element fails the predicate
     * (upstream is stopped and releases its resources) or upstream completes. <em>Fails when</em> upstream
     * or the predicate fails.
     *
     * @param predicate the test
     * @return the truncated flow
     */
    default Flow<T> takeWhile(Predicate<? super T> predicate) {
        return new FlowTakeWhile<>(this, Objects.requireNonNull(predicate, "predicate"));
    }

    /**
     * Drops the first {@code n} elements and emits the rest.
     *
     * <p><em>Emits when</em> upstream emits and {@code n} elements were already dropped.
     * <em>Completes when</em> upstream completes. <em>Fails when</em> upstream fails.
     *
     * @param n how many elements to drop, zero or more
     * @return the flow without its first {@code n} elements
     * @throws IllegalArgumentException if {@code n} is negative
     */
    default Flow<T> skip(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("skip count must not be negative: " + n);
        }
        return new FlowSkip<>(this, n);
    }

    /**
     * Drops elements while they satisfy {@code predicate}, then emits the first element that does not and
     * every element after it (the predicate is not called again).
     *
     * <p><em>Completes when</em> upstream completes. <em>Fails when</em> upstream or the predicate fails.
     *
     * @param predicate the test
     * @return the flow
     */
    default Flow<T> dropWhile(Predicate<? super T> predicate) {
        return new FlowDropWhile<>(this, Objects.requireNonNull(predicate, "predicate"));
    }

    /**
     * Emits each element only the first time it is seen ({@link Object#equals}), in order. Remembers every
     * distinct element of the collection: memory grows with their number; prefer
     * {@link #distinctUntilChanged()} for endless flows.
     *
     * @return the flow without repeated elements
     */
    default Flow<T> distinct() {
        return new FlowDistinct<>(this, "distinct", Function.identity());
    }

    /**
     * Emits an element only when its key was not seen before in this collection; remembers every key.
     * <em>Fails when</em> upstream or the key function fails.
     *
     * @param key computes the key (may be null; null is a key like any other)
     * @param <K> the key type
     * @return the flow with one element per key
     */
    default <K> Flow<T> distinctBy(Function<? super T, ? extends K> key) {
        return new FlowDistinct<>(this, "distinctBy", Objects.requireNonNull(key, "key"));
    }

    /**
     * Drops an element when it equals the last element emitted; the first element is always emitted.
     * Keeps only the last element.
     *
     * @return the flow without consecutive repeats
     */
    default Flow<T> distinctUntilChanged() {
        return new FlowDistinctUntilChanged<T, T>(this, "distinctUntilChanged", Function.identity(), Objects::equals);
    }

    /**
     * Drops an element when {@code same(lastEmitted, element)} is true; the first element is always
     * emitted.
     *
     * @param same the equality, called with the last emitted element and the new one
     * @return the flow without consecutive repeats
     */
    default Flow<T> distinctUntilChanged(BiPredicate<? super T, ? super T> same) {
        return new FlowDistinctUntilChanged<T, T>(this, "distinctUntilChanged", Function.identity(),
                Objects.requireNonNull(same, "same"));
    }

    /**
     * Drops an element when its key equals the key of the last element emitted.
     *
     * @param key computes the key
     * @param <K> the key type
     * @return the flow without consecutive repeats by key
     */
    default <K> Flow<T> distinctUntilChangedBy(Function<? super T, ? extends K> key) {
        return new FlowDistinctUntilChanged<T, K>(this, "distinctUntilChangedBy", Objects.requireNonNull(key, "key"),
                Objects::equals);
    }

    /**
     * Emits {@code initial}, then the running accumulation after every element
     * ({@code of(1, 2, 3).scan(0, Integer::sum)} emits 0, 1, 3, 6). The accumulation restarts from
     * {@code initial} on every collection.
     *
     * <p><em>Emits when</em> the flow starts (the initial value) and after each element.
     * <em>Completes when</em> upstream completes. <em>Fails when</em> upstream or the accumulator fails,
     * or the accumulator returns null.
     *
     * @param initial the starting value, emitted first
     * @param accumulator combines the value so far with the next element
     * @param <A> the accumulated type
     * @return the flow of running values
     */
    default <A> Flow<A> scan(A initial, BiFunction<? super A, ? super T, ? extends A> accumulator) {
        return new FlowScan<>(this, Objects.requireNonNull(initial, "initial"),
                Objects.requireNonNull(accumulator, "accumulator"));
    }

    /**
     * Pairs every element with its position, counted from zero in each collection.
     *
     * @return the indexed flow
     */
    default Flow<Indexed<T>> zipWithIndex() {
        return new FlowZipWithIndex<>(this);
    }

    /**
     * Runs {@code action} for every element, then emits the element unchanged.
     * <em>Fails when</em> upstream or the action fails.
     *
     * @param action the side effect, called on the collecting thread before the element goes downstream
     * @return the same elements
     */
    default Flow<T> onEach(Consumer<? super T> action) {
        return new FlowOnEach<>(this, Objects.requireNonNull(action, "action"));
    }

    /**
     * Applies a reusable transformation: {@code flow.through(pipe)} is {@code pipe.apply(flow)}.
     *
     * @param pipe the transformation
     * @param <R> the result element type
     * @return the transformed flow
     */
    default <R> Flow<R> through(Pipe<T, R> pipe) {
        return Objects.requireNonNull(Objects.requireNonNull(pipe, "pipe").apply(this), "pipe returned null");
    }

    // ------------------------------------------------------------------ grouping

    /**
     * Groups consecutive elements into unmodifiable lists of {@code size}; the last list may be shorter.
     *
     * <p><em>Emits when</em> a list is full, and the partial list when upstream completes.
     * <em>Completes when</em> upstream completes. <em>Fails when</em> upstream fails (the partial list is
     * not emitted). Buffers at most {@code size} elements.
     *
     * @param size the number of elements per list, at least 1
     * @return the flow of lists
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    default Flow<List<T>> chunk(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive: " + size);
        }
        return new FlowChunk<>(this, size);
    }

    /**
     * Groups runs of consecutive elements with the same key (not a global group-by):
     * {@code of(1, 3, 2, 4, 5).groupAdjacentBy(i -> i % 2)} emits (1, [1, 3]), (0, [2, 4]), (1, [5]).
     *
     * <p><em>Emits when</em> an element with another key arrives, and the last run when upstream
     * completes. <em>Fails when</em> upstream or the key function fails, or a key is null. Buffers only
     * the current run.
     *
     * @param key computes the key of an element
     * @param <K> the key type
     * @return the flow of (key, run) pairs
     */
    default <K> Flow<Pair<K, List<T>>> groupAdjacentBy(Function<? super T, ? extends K> key) {
        return new FlowGroupAdjacent<>(this, Objects.requireNonNull(key, "key"));
    }

    /**
     * Windows of {@code size} consecutive elements, sliding by one element.
     *
     * @param size the window size, at least 1
     * @return the flow of windows
     * @see #slidingWindow(int, int)
     */
    default Flow<List<T>> slidingWindow(int size) {
        return slidingWindow(size, 1);
    }

    /**
     * Windows of exactly {@code size} consecutive elements, a new window starting every {@code step}
     * elements: {@code range(1, 6).slidingWindow(3, 1)} emits [1,2,3], [2,3,4], [3,4,5]; with
     * {@code step > size} the elements between windows are skipped.
     *
     * <p><em>Emits when</em> a window is full. <em>Completes when</em> upstream completes; a trailing
     * window with fewer than {@code size} elements is not emitted. Buffers at most {@code size} elements.
     *
     * @param size the window size, at least 1
     * @param step the distance between window starts, at least 1
     * @return the flow of unmodifiable windows
     * @throws IllegalArgumentException if {@code size} or {@code step} is not positive
     */
    default Flow<List<T>> slidingWindow(int size, int step) {
        if (size < 1) {
            throw new IllegalArgumentException("window size must be positive: " + size);
        }
        if (step < 1) {
            throw new IllegalArgumentException("window step must be positive: " + step);
        }
        return new FlowSlidingWindow<>(this, size, step);
    }

    /**
     * Hands batches of {@code size} consecutive elements (the last one possibly shorter) to
     * {@code processor} and emits the elements it returns, in order.
     *
     * <p><em>Emits when</em> the processor has returned for a batch. <em>Blocks upstream when</em> the
     * processor runs or downstream blocks. <em>Completes when</em> upstream completes and the last batch
     * was processed. <em>Fails when</em> upstream or the processor fails, or it returns null.
     *
     * @param size the batch size, at least 1
     * @param processor processes one batch, on the collecting thread
     * @param <R> the result element type
     * @return the flow of results
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    default <R> Flow<R> batchProcess(int size, Function<? super List<T>, ? extends Iterable<? extends R>> processor) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be positive: " + size);
        }
        return new FlowBatchProcess<>(this, size, Objects.requireNonNull(processor, "processor"));
    }

    // ------------------------------------------------------------------ combining

    /**
     * The flows one after the other: all of the first, then all of the second, and so on.
     *
     * <p><em>Completes when</em> the last flow completes. <em>Fails when</em> any flow fails (the later
     * ones are not collected). <em>Cancels when</em> downstream stops: the current flow is stopped.
     *
     * @param flows the flows, in order
     * @param <T> the element type
     * @return the concatenation
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read
    static <T> Flow<T> concat(Flow<? extends T>... flows) {
        return new FlowConcat<>(copyOf(flows));
    }

    /**
     * This flow, then {@code other}.
     *
     * @param other collected after this flow completes
     * @return the concatenation
     */
    default Flow<T> concatWith(Flow<? extends T> other) {
        return concat(this, Objects.requireNonNull(other, "other"));
    }

    /**
     * All flows at once: every flow is collected concurrently on its own virtual thread and its elements
     * are emitted as they arrive, on the collecting thread.
     *
     * <p><em>Emits when</em> any flow emits. <em>Blocks upstream when</em> the shared hand-off (16
     * elements) is full. <em>Completes when</em> every flow has completed. <em>Fails when</em> a flow fails:
     * the others are cancelled at once and the failure is emitted after the elements handed off before it.
     * <em>Cancels when</em> downstream stops: every flow is cancelled. Every thread has ended when the
     * terminal operation returns. Order: each flow's own order is kept; the interleaving between flows is
     * not deterministic.
     *
     * @param flows the flows to merge
     * @param <T> the element type
     * @return the merged flow
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read
    static <T> Flow<T> merge(Flow<? extends T>... flows) {
        return new FlowMerge<>(copyOf(flows));
    }

    /**
     * This flow and {@code other} at once; see {@link #merge(Flow[])}.
     *
     * @param other the flow to merge with
     * @return the merged flow
     */
    default Flow<T> mergeWith(Flow<? extends T> other) {
        return merge(this, Objects.requireNonNull(other, "other"));
    }

    /**
     * Pairs the i-th element of this flow with the i-th element of {@code other}.
     *
     * @param other the second flow
     * @param <U> its element type
     * @return the flow of pairs
     * @see #zipWith(Flow, BiFunction)
     */
    default <U> Flow<Pair<T, U>> zip(Flow<? extends U> other) {
        return zipWith(other, Pair::new);
    }

    /**
     * Combines the i-th element of this flow with the i-th element of {@code other}. {@code other} runs on
     * its own virtual thread, at most one element ahead.
     *
     * <p><em>Emits when</em> both flows have produced their i-th element. <em>Completes when</em> either
     * flow completes; the other one is stopped (an element it had already produced is dropped).
     * <em>Fails when</em> either flow or the combiner fails; the other flow is stopped.
     * <em>Cancels when</em> downstream stops: both flows are stopped.
     *
     * @param other the second flow
     * @param combiner combines a pair of elements, on the collecting thread
     * @param <U> the element type of {@code other}
     * @param <R> the result type
     * @return the combined flow
     */
    default <U, R> Flow<R> zipWith(Flow<? extends U> other, BiFunction<? super T, ? super U, ? extends R> combiner) {
        Objects.requireNonNull(other, "other");
        Objects.requireNonNull(combiner, "combiner");
        @SuppressWarnings("unchecked")
        Flow<U> right = (Flow<U>) other;
        return new FlowZip<T, U, R>("zipWith", this, right, combiner);
    }

    /**
     * One element from each flow in turn (round robin, in argument order); a flow that completes leaves
     * the rotation: {@code interleave(of(1, 4), of(2, 5, 8), of(3))} emits 1, 2, 3, 4, 5, 8.
     *
     * <p>Every flow runs on its own virtual thread, at most one element ahead. <em>Emits when</em> it is
     * a flow's turn and it has produced its next element: a slow flow delays the others.
     * <em>Completes when</em> every flow has completed. <em>Fails when</em> a flow fails (seen on its turn);
     * all flows are stopped. <em>Cancels when</em> downstream stops: all flows are stopped.
     *
     * @param flows the flows
     * @param <T> the element type
     * @return the interleaved flow
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read
    static <T> Flow<T> interleave(Flow<? extends T>... flows) {
        return new FlowInterleave<>(copyOf(flows));
    }

    /**
     * The first flow to emit an element wins: every flow is collected at once on its own virtual thread,
     * the winner's elements are emitted and the others are cancelled as soon as the winner is known.
     *
     * <p><em>Emits when</em> the winner emits. <em>Completes when</em> the winner completes, or when every
     * flow completed without emitting. <em>Fails when</em> the winner fails, or any flow fails before a
     * winner is known. <em>Cancels when</em> downstream stops: every flow still running is cancelled.
     *
     * @param flows the competing flows
     * @param <T> the element type
     * @return the winning flow
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read
    static <T> Flow<T> race(Flow<? extends T>... flows) {
        return new FlowRace<>(copyOf(flows));
    }

    /**
     * Emits this flow's elements until {@code signal} completes, then stops this flow and completes. A
     * signal completing exceptionally stops this flow too and fails with the signal's exception (unwrapped
     * from {@link java.util.concurrent.CompletionException}).
     *
     * <p>This flow runs on its own virtual thread, so it is stopped even while it waits for an element.
     * <em>Emits when</em> this flow emits and the signal has not completed (elements already handed off, at
     * most 16, are still emitted). <em>Completes when</em> the signal completes normally or this flow
     * completes. A signal already complete at collection wins: nothing is emitted. <em>Cancels when</em>
     * downstream stops. Each collection registers one callback on the signal.
     *
     * @param signal completes when the flow must stop
     * @return the interruptible flow
     */
    default Flow<T> interruptWhen(java.util.concurrent.CompletionStage<?> signal) {
        return new FlowInterruptWhen<>(this, Objects.requireNonNull(signal, "signal"));
    }

    /**
     * Emits this flow's elements until {@code signal} emits its first element, then stops both flows and
     * completes. The signal failing stops this flow and fails with the signal's exception; the signal
     * completing without an element never interrupts (this flow runs to its end).
     *
     * <p>This flow and the signal each run on their own virtual thread, so this flow is stopped even
     * while it waits for an element. <em>Emits when</em> this flow emits and the signal has not emitted
     * (elements already handed off, at most 16, are still emitted). <em>Completes when</em> the signal
     * emits or this flow completes; the signal is then cancelled (its finally blocks run). <em>Fails
     * when</em> either flow fails. <em>Cancels when</em> downstream stops: both flows are cancelled.
     *
     * @param signal a flow whose first element stops this flow
     * @return the interruptible flow
     */
    default Flow<T> interruptWhen(Flow<?> signal) {
        return new FlowInterruptWhen<>(this, Objects.requireNonNull(signal, "signal"));
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
        @SuppressWarnings("unchecked")
        A[] acc = (A[]) new Object[] {Objects.requireNonNull(initial, "initial")};
        Terminals.run(this, value -> {
            A next = accumulator.apply(acc[0], value);
            if (next == null) {
                throw new NullPointerException("fold accumulator returned null");
            }
            acc[0] = next;
        });
        return acc[0];
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

    /**
     * Collects every element into a new mutable set that keeps the order in which elements were first
     * seen. Blocks until the flow completes.
     *
     * @return the distinct elements
     * @throws FlowException if the flow fails with a checked exception or the thread is interrupted;
     *     unchecked exceptions propagate unchanged
     */
    default Set<T> toSet() {
        Set<T> result = new LinkedHashSet<>();
        Terminals.run(this, result::add);
        return result;
    }

    /**
     * Collects the elements with a {@link java.util.stream.Collector}, in order, on the calling thread
     * ({@code flow.collect(Collectors.groupingBy(...))}). Never truncates. Blocks until the flow completes.
     *
     * @param collector the collector
     * @param <A> the collector's accumulation type
     * @param <R> the result type
     * @return the collector's result
     * @throws FlowException if the flow fails with a checked exception or the thread is interrupted
     */
    default <A, R> R collect(java.util.stream.Collector<? super T, A, R> collector) {
        Objects.requireNonNull(collector, "collector");
        A container = collector.supplier().get();
        java.util.function.BiConsumer<A, ? super T> accumulator = collector.accumulator();
        Terminals.run(this, value -> accumulator.accept(container, value));
        return collector.finisher().apply(container);
    }

    /**
     * Combines the elements from left to right with {@code accumulator}, starting with the first element.
     * Blocks until the flow completes.
     *
     * @param accumulator combines the value so far with the next element; must not return null
     * @return the result, or empty for an empty flow
     * @throws FlowException if the flow fails with a checked exception or the thread is interrupted
     */
    default Optional<T> reduce(java.util.function.BinaryOperator<T> accumulator) {
        Objects.requireNonNull(accumulator, "accumulator");
        List<T> acc = new ArrayList<>(1);
        Terminals.run(this, value -> {
            if (acc.isEmpty()) {
                acc.add(value);
            } else {
                acc.set(0, Objects.requireNonNull(accumulator.apply(acc.get(0), value), "reduce accumulator returned null"));
            }
        });
        return acc.isEmpty() ? Optional.empty() : Optional.of(acc.get(0));
    }

    /**
     * The last element, if any. Collects the whole flow; blocks until it completes.
     *
     * @return the last element, or empty for an empty flow
     * @throws FlowException if the flow fails with a checked exception or the thread is interrupted
     */
    default Optional<T> last() {
        List<T> found = new ArrayList<>(1);
        Terminals.run(this, value -> {
            if (found.isEmpty()) {
                found.add(value);
            } else {
                found.set(0, value);
            }
        });
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    // ------------------------------------------------------------------ interop

    /**
     * An iterator over this flow. The flow runs on its own virtual thread, started by the first
     * {@code hasNext}/{@code next}, and hands elements over through a bounded buffer (16 elements; a full
     * buffer blocks the flow).
     *
     * <p><b>Close the iterator</b> (try-with-resources) when you stop before the end: that stops the flow
     * and waits for its thread. An iterator that reached the end, or whose flow failed, has cleaned up by
     * itself. {@code hasNext} and {@code next} block while the flow produces the next element; a failure
     * of the flow is thrown from them (unchecked as is; checked or interruption as {@link FlowException}).
     *
     * @return a closeable iterator; not thread-safe
     */
    default CloseableIterator<T> iterator() {
        return new FlowIterator<>(this, FlowIterator.DEFAULT_BUFFER);
    }

    /**
     * A sequential {@link java.util.stream.Stream} over this flow, backed by {@link #iterator()}: the flow
     * runs on its own virtual thread once the stream is traversed. <b>Close the stream</b>
     * (try-with-resources) unless it is traversed to the end; closing stops the flow and waits for its
     * thread. Short-circuiting operations ({@code findFirst}, {@code limit}) need the close.
     *
     * @return an ordered stream of non-null elements
     */
    default java.util.stream.Stream<T> toStream() {
        FlowIterator<T> iterator = new FlowIterator<>(this, FlowIterator.DEFAULT_BUFFER);
        return java.util.stream.StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(iterator,
                java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL), false).onClose(iterator::close);
    }

    /**
     * This flow as a Reactive Streams publisher ({@link java.util.concurrent.Flow.Publisher}). Every
     * subscription collects the flow afresh on its own virtual thread, which delivers every signal; the
     * flow is paused (its emit blocks) while the subscriber's demand is zero. {@code cancel} stops the flow
     * (its thread is interrupted unless it is inside {@code onNext}). Passes the Reactive Streams TCK.
     *
     * @return a cold publisher; thread-safe
     */
    default java.util.concurrent.Flow.Publisher<T> toPublisher() {
        return new FlowPublisher<>(this);
    }

    /**
     * A flow of what a Reactive Streams publisher emits. Every collection subscribes anew, requests up to
     * 16 elements ahead and requests more as elements are emitted downstream; the collecting thread waits
     * while nothing has arrived.
     *
     * <p><em>Completes when</em> the publisher signals {@code onComplete}. <em>Fails when</em> it signals
     * {@code onError} (that exception, unchanged) or breaks the protocol (more elements than requested,
     * null elements). <em>Cancels when</em> downstream stops, fails, or the collecting thread is
     * interrupted: the subscription is cancelled. A publisher made by {@link #toPublisher()} is unwrapped:
     * the result is the original flow, collected on the calling thread.
     *
     * @param publisher the publisher
     * @param <T> the element type
     * @return a flow over the publisher
     */
    static <T> Flow<T> fromPublisher(java.util.concurrent.Flow.Publisher<? extends T> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        if (publisher instanceof FlowPublisher<? extends T> own) {
            @SuppressWarnings("unchecked")
            Flow<T> flow = (Flow<T>) own.flow();
            return flow;
        }
        return new FlowFromPublisher<>(publisher, FlowFromPublisher.PREFETCH);
    }

    // ---- time (operators on an injected Scheduler; see Scheduler and VirtualScheduler)

    /**
     * A flow of tick numbers at a fixed rate: tick {@code k} is due {@code k × period} after the collection
     * starts (the first, 0, at once), on the system clock. See {@link #tick(Duration, Scheduler)}.
     *
     * @param period the time between ticks, positive
     * @return an infinite flow of tick numbers
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    static Flow<Long> tick(Duration period) {
        return tick(period, Scheduler.system());
    }

    /**
     * A flow of tick numbers at a fixed rate on {@code scheduler}: tick {@code k} is due at
     * {@code start + k × period}, computed from the start every time, so the rate does not drift however
     * long downstream takes. Runs on the collecting thread (no helper thread).
     *
     * <p><em>Emits when</em> a tick is due: the element is the tick's number. If downstream was so slow
     * that ticks went by, those ticks are skipped, not emitted in a burst: the next element is the first
     * tick whose time has not passed, and the gap in the numbers shows how many were missed.
     * <em>Blocks upstream when</em> (no upstream) it waits for the next tick.
     * <em>Completes when</em> never: limit it with {@code take(n)} or a time limit.
     * <em>Fails when</em> the collecting thread is interrupted while waiting.
     * <em>Cancels when</em> downstream stops; nothing is left running.
     *
     * @param period the time between ticks, positive
     * @param scheduler the clock
     * @return an infinite flow of tick numbers
     */
    static Flow<Long> tick(Duration period, Scheduler scheduler) {
        Clocks.checkDuration(period, "tick period", false);
        return new FlowTick(Clocks.nanos(period), Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * A flow of one element, emitted {@code delay} after the collection starts, on the system clock.
     *
     * @param delay how long to wait first, zero or more
     * @param value the element
     * @param <T> the element type
     * @return the flow
     */
    static <T> Flow<T> emitAfter(Duration delay, T value) {
        return emitAfter(delay, value, Scheduler.system());
    }

    /**
     * A flow of one element, emitted {@code delay} after the collection starts, on {@code scheduler}. The
     * timer starts at collection, not when the flow is built.
     *
     * <p><em>Emits when</em> the delay has passed. <em>Completes when</em> the element was emitted.
     * <em>Fails when</em> the collecting thread is interrupted while waiting.
     * <em>Cancels when</em> downstream stops (nothing runs after).
     *
     * @param delay how long to wait first, zero or more
     * @param value the element, not null
     * @param scheduler the clock
     * @param <T> the element type
     * @return the flow
     */
    static <T> Flow<T> emitAfter(Duration delay, T value, Scheduler scheduler) {
        Clocks.checkDuration(delay, "delay", true);
        return new FlowEmitAfter<>(Clocks.nanos(delay), Objects.requireNonNull(value, "value"),
                Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * At most one element per {@code period}, dropping the others: same as
     * {@link #throttle(Duration, ThrottleMode, Scheduler) throttle(period, DROP, system)}.
     *
     * @param period the minimum time between two emitted elements, positive
     * @return the throttled flow
     */
    default Flow<T> throttle(Duration period) {
        return throttle(period, ThrottleMode.DROP, Scheduler.system());
    }

    /**
     * At most one element per {@code period} on the system clock; see
     * {@link #throttle(Duration, ThrottleMode, Scheduler)}.
     *
     * @param period the minimum time between two emitted elements, positive
     * @param mode drop or delay the elements that come too early
     * @return the throttled flow
     */
    default Flow<T> throttle(Duration period, ThrottleMode mode) {
        return throttle(period, mode, Scheduler.system());
    }

    /**
     * At most one element per {@code period}: the time between two emitted elements is never shorter. Runs
     * on the collecting thread (no helper thread).
     *
     * <p><em>Emits when</em> an element arrives at least {@code period} after the last emitted one (the first
     * element at once). An element that comes earlier is dropped ({@link ThrottleMode#DROP}: only the first
     * element of each period passes) or held until the period is over ({@link ThrottleMode#DELAY}: nothing is
     * lost, the flow is paced).
     * <em>Blocks upstream when</em> downstream blocks, and in DELAY mode while an early element waits.
     * <em>Completes when</em> upstream completes (at once: nothing is pending).
     * <em>Fails when</em> upstream fails, or the thread is interrupted while waiting in DELAY mode.
     * <em>Cancels when</em> downstream stops: upstream is stopped.
     *
     * @param period the minimum time between two emitted elements, positive
     * @param mode drop or delay the elements that come too early
     * @param scheduler the clock
     * @return the throttled flow
     */
    default Flow<T> throttle(Duration period, ThrottleMode mode, Scheduler scheduler) {
        Clocks.checkDuration(period, "throttle period", false);
        return new FlowThrottle<>(this, Clocks.nanos(period), Objects.requireNonNull(mode, "mode"),
                Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * Emits an element only once no newer one has arrived for {@code quiet}, on the system clock; see
     * {@link #debounce(Duration, Scheduler)}.
     *
     * @param quiet the quiet period, positive
     * @return the debounced flow
     */
    default Flow<T> debounce(Duration quiet) {
        return debounce(quiet, Scheduler.system());
    }

    /**
     * Emits an element only once no newer one has arrived for {@code quiet}: of a burst of elements closer
     * together than {@code quiet}, only the last one is emitted, {@code quiet} after it arrived. Upstream
     * is collected on one helper virtual thread per collection; the collecting thread keeps the single
     * timer (no task per element).
     *
     * <p><em>Emits when</em> {@code quiet} has passed since the pending element arrived without a newer one
     * (an element arriving exactly when the quiet period ends does not cancel the pending one), and at
     * completion: the pending element is flushed at once.
     * <em>Blocks upstream when</em> downstream is busy and one element is already waiting to be looked at.
     * <em>Completes when</em> upstream completes, after flushing the pending element.
     * <em>Fails when</em> upstream fails (the pending element is not emitted).
     * <em>Cancels when</em> downstream stops: the helper is stopped and joined before the terminal
     * operation returns.
     *
     * @param quiet the quiet period, positive
     * @param scheduler the clock
     * @return the debounced flow
     */
    default Flow<T> debounce(Duration quiet, Scheduler scheduler) {
        Clocks.checkDuration(quiet, "debounce period", false);
        return new FlowDebounce<>(this, Clocks.nanos(quiet), Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * Emits the latest element once per {@code period}, on the system clock; see
     * {@link #sample(Duration, Scheduler)}.
     *
     * @param period the sampling period, positive
     * @return the sampled flow
     */
    default Flow<T> sample(Duration period) {
        return sample(period, Scheduler.system());
    }

    /**
     * Emits, at every tick {@code start + k × period} (k ≥ 1), the latest element that arrived since the
     * previous tick, if any. Upstream is collected on one helper virtual thread per collection.
     *
     * <p><em>Emits when</em> a tick comes and an element arrived since the last emission (an element arriving
     * exactly at a tick counts for the next one), and at completion: the latest element not yet emitted is
     * flushed. Ticks missed while downstream was slow are skipped.
     * <em>Blocks upstream when</em> downstream is busy and one element is already waiting to be looked at.
     * <em>Completes when</em> upstream completes, after the flush.
     * <em>Fails when</em> upstream fails (the element not yet emitted is dropped).
     * <em>Cancels when</em> downstream stops: the helper is stopped and joined.
     *
     * @param period the sampling period, positive
     * @param scheduler the clock
     * @return the sampled flow
     */
    default Flow<T> sample(Duration period, Scheduler scheduler) {
        Clocks.checkDuration(period, "sample period", false);
        return new FlowSample<>(this, Clocks.nanos(period), Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * Fails with a timeout when upstream stays silent for {@code idle}, on the system clock; see
     * {@link #timeout(Duration, Scheduler)}.
     *
     * @param idle the longest wait for each element or the completion, positive
     * @return the guarded flow
     */
    default Flow<T> timeout(Duration idle) {
        return timeout(idle, Scheduler.system());
    }

    /**
     * Ends the flow with a {@link FlowException} of kind {@code TIMEOUT} when no element and no completion
     * arrives within {@code idle} (a per-element idle timeout). The time counted is the time spent waiting
     * for upstream: the clock restarts each time the operator asks for the next element, so a slow
     * downstream never causes a timeout. Upstream is collected on one helper virtual thread.
     *
     * <p><em>Emits when</em> upstream emits in time. <em>Blocks upstream when</em> downstream is busy and one
     * element is already waiting. <em>Completes when</em> upstream completes in time.
     * <em>Fails when</em> upstream fails, or the wait exceeds {@code idle} (an element or completion arriving
     * exactly at the deadline is too late): the flow fails with {@code TIMEOUT} and stays failed, unlike
     * RS2, whose timeout emits an error item and keeps waiting.
     * <em>Cancels when</em> downstream stops or the timeout fires: the helper is interrupted, its upstream
     * unwound (its finally blocks run) and the helper joined before the terminal operation returns.
     *
     * @param idle the longest wait for each element or the completion, positive
     * @param scheduler the clock
     * @return the guarded flow
     */
    default Flow<T> timeout(Duration idle, Scheduler scheduler) {
        Clocks.checkDuration(idle, "timeout", false);
        return new FlowTimeout<>(this, idle, null, Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * Fails with a timeout when the flow has not completed within {@code total}, on the system clock; see
     * {@link #completeWithin(Duration, Scheduler)}.
     *
     * @param total the time the whole collection may take, positive
     * @return the guarded flow
     */
    default Flow<T> completeWithin(Duration total) {
        return completeWithin(total, Scheduler.system());
    }

    /**
     * Ends the flow with a {@link FlowException} of kind {@code TIMEOUT} when it has not completed within
     * {@code total} of the start of the collection. The limit is checked whenever the operator waits for
     * upstream (downstream is never interrupted). Upstream is collected on one helper virtual thread.
     *
     * <p><em>Emits when</em> upstream emits before the limit. <em>Completes when</em> upstream completes
     * before the limit. <em>Fails when</em> upstream fails, or the limit is reached while waiting for
     * upstream. <em>Cancels when</em> downstream stops or the limit is reached: as {@link #timeout}.
     *
     * @param total the time the whole collection may take, positive
     * @param scheduler the clock
     * @return the guarded flow
     */
    default Flow<T> completeWithin(Duration total, Scheduler scheduler) {
        Clocks.checkDuration(total, "total timeout", false);
        return new FlowTimeout<>(this, null, total, Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * Shifts every element later by {@code delay}, on the system clock; see
     * {@link #delay(Duration, Scheduler)}.
     *
     * @param delay the shift, zero or more
     * @return the delayed flow
     */
    default Flow<T> delay(Duration delay) {
        return delay(delay, Scheduler.system());
    }

    /**
     * Shifts every element later by {@code delay}, keeping the spacing between elements: an element that
     * upstream emitted at time t is emitted at t + delay. Upstream is collected on one helper virtual thread
     * that may run up to 256 elements ahead.
     *
     * <p><em>Emits when</em> an element's delay has passed, in upstream order.
     * <em>Blocks upstream when</em> 256 elements are waiting out their delay (later elements then arrive,
     * and leave, later).
     * <em>Completes when</em> upstream has completed and every element was emitted (completion itself is not
     * delayed). <em>Fails when</em> upstream fails: right after the elements before the failure.
     * <em>Cancels when</em> downstream stops: the helper is stopped and joined; waiting elements are dropped.
     *
     * @param delay the shift, zero or more
     * @param scheduler the clock
     * @return the delayed flow
     */
    default Flow<T> delay(Duration delay, Scheduler scheduler) {
        Clocks.checkDuration(delay, "delay", true);
        return new FlowDelay<>(this, Clocks.nanos(delay), Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * Groups elements into lists of {@code size}, flushing a partial list after {@code maxWait}, on the
     * system clock; see {@link #chunk(int, Duration, Scheduler)}.
     *
     * @param size the chunk size, positive
     * @param maxWait how long a chunk may wait for more elements, positive
     * @return the chunked flow
     */
    default Flow<List<T>> chunk(int size, Duration maxWait) {
        return chunk(size, maxWait, Scheduler.system());
    }

    /**
     * Groups elements into lists of {@code size} elements, in order, but never lets an element wait more
     * than {@code maxWait}: a partial chunk is emitted once {@code maxWait} has passed since its first
     * element arrived. Upstream is collected on one helper virtual thread.
     *
     * <p><em>Emits when</em> a chunk is full, when {@code maxWait} has passed since its first element (an
     * element arriving exactly then starts the next chunk), or at completion (the last, partial chunk).
     * Emitted lists are immutable and never empty.
     * <em>Blocks upstream when</em> downstream is busy and one element is already waiting.
     * <em>Completes when</em> upstream completes, after the last chunk.
     * <em>Fails when</em> upstream fails (the unfinished chunk is not emitted).
     * <em>Cancels when</em> downstream stops: the helper is stopped and joined.
     *
     * @param size the chunk size, positive
     * @param maxWait how long a chunk may wait for more elements, positive
     * @param scheduler the clock
     * @return the chunked flow
     */
    default Flow<List<T>> chunk(int size, Duration maxWait, Scheduler scheduler) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive: " + size);
        }
        Clocks.checkDuration(maxWait, "chunk maxWait", false);
        return new FlowTimedChunk<>(this, size, Clocks.nanos(maxWait), Objects.requireNonNull(scheduler, "scheduler"));
    }

    // ---- errors and resilience

    /**
     * Replaces an upstream failure with a last element: same as
     * {@link #recover(Class, Function) recover(Exception.class, fallback)}.
     *
     * @param fallback turns the failure into the last element; must not return null
     * @return the recovering flow
     */
    default Flow<T> recover(Function<? super Exception, ? extends T> fallback) {
        return recover(Exception.class, fallback);
    }

    /**
     * Replaces an upstream failure of type {@code type} with a last element, then completes.
     *
     * <p>Only failures of upstream are handled: never an exception thrown downstream (after downstream has
     * thrown, nothing is recovered), never an {@link Error}, an interruption, or the internal early-stop
     * signal of {@code take(n)}.
     *
     * <p><em>Emits when</em> upstream emits; then, if upstream fails with a {@code type}, the fallback's
     * value. <em>Blocks upstream when</em> downstream blocks.
     * <em>Completes when</em> upstream completes, or after the fallback value.
     * <em>Fails when</em> upstream fails with something else (unchanged), or the fallback throws (its
     * exception, with the upstream failure as suppressed).
     * <em>Cancels when</em> downstream stops: upstream is stopped.
     *
     * @param type the failures to recover from
     * @param fallback turns the failure into the last element; must not return null
     * @param <X> the failure type
     * @return the recovering flow
     */
    default <X extends Exception> Flow<T> recover(Class<X> type, Function<? super X, ? extends T> fallback) {
        return new FlowRecover<>(this, Objects.requireNonNull(type, "type"), Objects.requireNonNull(fallback, "fallback"));
    }

    /**
     * Continues with another flow when upstream fails: same as
     * {@link #onErrorResume(Class, Function) onErrorResume(Exception.class, fallback)}.
     *
     * @param fallback gives the flow to continue with
     * @return the resuming flow
     */
    default Flow<T> onErrorResume(Function<? super Exception, ? extends Flow<? extends T>> fallback) {
        return onErrorResume(Exception.class, fallback);
    }

    /**
     * Continues with {@code fallback.apply(failure)} when upstream fails with a {@code type}: the elements
     * emitted before the failure stay emitted, then the fallback flow's elements follow, and the flow ends
     * with it. The switch is permanent (RS2's variant resumed the failed stream afterwards).
     *
     * <p>Handles the same failures as {@link #recover(Class, Function)}; failures of the fallback flow are
     * not handled again.
     *
     * <p><em>Emits when</em> upstream, then the fallback flow, emits. <em>Blocks upstream when</em>
     * downstream blocks. <em>Completes when</em> upstream completes, or the fallback flow completes.
     * <em>Fails when</em> upstream fails with something else, the function throws, or the fallback fails.
     * <em>Cancels when</em> downstream stops: whichever flow runs is stopped.
     *
     * @param type the failures to handle
     * @param fallback gives the flow to continue with; must not return null
     * @param <X> the failure type
     * @return the resuming flow
     */
    default <X extends Exception> Flow<T> onErrorResume(Class<X> type,
                                                        Function<? super X, ? extends Flow<? extends T>> fallback) {
        return new FlowOnErrorResume<>(this, Objects.requireNonNull(type, "type"),
                Objects.requireNonNull(fallback, "fallback"));
    }

    /**
     * Applies a function to every element, letting {@code handler} decide what happens when the function
     * throws for one element: skip it, replace the result, or fail.
     *
     * <p><em>Emits when</em> the function returns, or the handler replaces a failed result.
     * <em>Blocks upstream when</em> downstream blocks. <em>Completes when</em> upstream completes.
     * <em>Fails when</em> upstream fails, the handler decides to fail (the function's own exception,
     * unchanged), the handler throws, or the function returns null.
     * <em>Cancels when</em> downstream stops. Downstream's exceptions never reach the handler.
     *
     * @param mapper the function, called on the collecting thread
     * @param handler decides about each failed element
     * @param <R> the result type
     * @return the mapped flow
     */
    default <R> Flow<R> map(Function<? super T, ? extends R> mapper, ElementErrorHandler<? super T, ? extends R> handler) {
        return new FlowMapHandled<>(this, Objects.requireNonNull(mapper, "mapper"),
                Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Collects upstream again when it fails, as {@code policy} allows, replaying it from its start:
     * same as {@link #retry(RetryPolicy, RetryMode, Scheduler) retry(policy, REPLAY, system)}.
     *
     * @param policy attempts, back-off and which failures to retry
     * @return the retrying flow
     */
    default Flow<T> retry(RetryPolicy policy) {
        return retry(policy, RetryMode.REPLAY, Scheduler.system());
    }

    /**
     * Like {@link #retry(RetryPolicy, RetryMode, Scheduler)} on the system clock.
     *
     * @param policy attempts, back-off and which failures to retry
     * @param mode what downstream sees of a new attempt
     * @return the retrying flow
     */
    default Flow<T> retry(RetryPolicy policy, RetryMode mode) {
        return retry(policy, mode, Scheduler.system());
    }

    /**
     * Collects the (cold) upstream again when it fails, as {@code policy} allows, after the policy's
     * back-off on {@code scheduler}. Each attempt collects upstream from its start: with
     * {@link RetryMode#REPLAY} downstream sees its elements again, with {@link RetryMode#SKIP_EMITTED} each
     * attempt skips as many elements as downstream already has (for upstreams that repeat themselves
     * exactly). Attempts are counted over the whole collection.
     *
     * <p>Only upstream failures are retried: never an exception thrown downstream, an {@link Error}, an
     * interruption, or the internal early-stop signal; and only those the policy accepts.
     *
     * <p><em>Emits when</em> an attempt emits (see the mode). <em>Blocks upstream when</em> downstream blocks;
     * between attempts the collecting thread waits for the back-off.
     * <em>Completes when</em> an attempt completes.
     * <em>Fails when</em> the policy gives up: with the last failure, unchanged; or when interrupted during
     * the back-off. <em>Cancels when</em> downstream stops: the running attempt is stopped.
     *
     * @param policy attempts, back-off and which failures to retry
     * @param mode what downstream sees of a new attempt
     * @param scheduler the clock for the back-off
     * @return the retrying flow
     */
    default Flow<T> retry(RetryPolicy policy, RetryMode mode, Scheduler scheduler) {
        return new FlowRetry<>(this, Objects.requireNonNull(policy, "policy"), Objects.requireNonNull(mode, "mode"),
                Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * Collects upstream only if {@code breaker} admits it; each collection counts as one call.
     *
     * <p><em>Emits when</em> upstream emits. <em>Blocks upstream when</em> downstream blocks.
     * <em>Completes when</em> upstream completes (recorded as a success).
     * <em>Fails when</em> the breaker refuses the call ({@link FlowException} of kind {@code CIRCUIT_OPEN};
     * upstream is not collected), or upstream fails (recorded as a failure, if the breaker's predicate
     * says so). <em>Cancels when</em> downstream stops; an early stop or a downstream failure is not counted
     * either way. Combine with {@link #retry} to wait for a breaker to close.
     *
     * @param breaker the circuit breaker, usually shared
     * @return the guarded flow
     */
    default Flow<T> circuitBreaker(CircuitBreaker breaker) {
        return new FlowCircuitBreaker<>(this, Objects.requireNonNull(breaker, "breaker"));
    }

    /**
     * A flow that acquires a resource, emits the flow made from it, and releases it exactly once: see
     * {@link #bracketCase(Callable, Function, ReleaseCase)}, without the exit case.
     *
     * @param acquire opens the resource, once per collection
     * @param use makes the flow from the resource
     * @param release closes the resource
     * @param <R> the resource type
     * @param <T> the element type
     * @return the flow
     */
    static <R, T> Flow<T> bracket(Callable<? extends R> acquire, Function<? super R, ? extends Flow<? extends T>> use,
                                  Release<? super R> release) {
        Objects.requireNonNull(release, "release");
        return bracketCase(acquire, use, (resource, exitCase) -> release.release(resource));
    }

    /**
     * A flow that, per collection, acquires a resource, emits the flow {@code use} makes from it, and
     * releases the resource exactly once with how the use ended: {@link ExitCase#COMPLETED},
     * {@link ExitCase.Failed} (upstream or downstream failed), or {@link ExitCase#CANCELLED} (downstream
     * stopped early, e.g. {@code take(n)} had enough, or the thread was interrupted). RS2 released only on
     * normal completion.
     *
     * <p><em>Emits when</em> the flow made from the resource emits. <em>Blocks upstream when</em> downstream
     * blocks. <em>Completes when</em> that flow completes and the release returned.
     * <em>Fails when</em> acquire fails (nothing to release), {@code use} or the flow fails (the release still
     * runs; if it throws too, its exception is added as suppressed), or the release fails after a completion
     * or an early stop (its exception ends the flow).
     * <em>Cancels when</em> downstream stops: the inner flow is stopped, then the release runs.
     *
     * @param acquire opens the resource, once per collection; must not return null
     * @param use makes the flow from the resource; must not return null
     * @param release closes the resource, exactly once per successful acquire
     * @param <R> the resource type
     * @param <T> the element type
     * @return the flow
     */
    static <R, T> Flow<T> bracketCase(Callable<? extends R> acquire, Function<? super R, ? extends Flow<? extends T>> use,
                                      ReleaseCase<? super R> release) {
        return new FlowBracket<>(Objects.requireNonNull(acquire, "acquire"), Objects.requireNonNull(use, "use"),
                Objects.requireNonNull(release, "release"));
    }

    // ---- concurrency (virtual threads; mapParallel on the CPU pool's platform threads; see FlowMapConcurrent,
    //      CpuPool, FlowParJoin)

    /**
     * Applies {@code mapper} to up to {@code concurrency} elements at once, each call on a virtual thread, and
     * emits the results in input order. For blocking work (I/O, remote calls); see {@link #mapParallel} for
     * CPU-bound work.
     *
     * <p><em>Emits when</em> the result of the oldest element not yet emitted is ready (head-of-line: a slow
     * element holds back the results after it). <em>Blocks upstream when</em> {@code max(concurrency, 32)}
     * received elements are waiting for a call. A call starts when one of the {@code concurrency} threads is
     * free, unless it could leave more than {@code concurrency} results done behind the oldest unfinished element
     * (so the reorder buffer never holds more than {@code concurrency} results) or more than 32 results wait for
     * downstream although free to leave.
     * <em>Completes when</em> upstream has completed and
     * every result was emitted. <em>Fails when</em> upstream fails or a call throws (its exception, unchanged,
     * tagged with the stage) or returns null: at once, the calls still running are interrupted and results
     * not yet emitted are dropped. <em>Cancels when</em> downstream stops (e.g. {@code take(k)}): upstream and
     * the running calls are stopped. Every thread has ended when the terminal operation returns.
     *
     * <p>Upstream is collected on its own virtual thread ({@code tide-flow-mapConcurrent-upstream-n}); the calls
     * run on up to {@code concurrency} virtual threads ({@code tide-flow-mapConcurrent-n}); results are emitted
     * on the collecting thread.
     *
     * @param concurrency the most calls in flight, at least 1
     * @param mapper the function; it may block; it runs on several threads at once
     * @param <R> the result type
     * @return the mapped flow
     * @throws IllegalArgumentException if {@code concurrency} is not positive
     */
    default <R> Flow<R> mapConcurrent(int concurrency, Function<? super T, ? extends R> mapper) {
        checkConcurrency(concurrency);
        return FlowMapConcurrent.ordered(this, concurrency, Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * Like {@link #mapConcurrent} but emits each result as soon as it is ready (completion order), so a slow
     * element holds back nothing.
     *
     * <p><em>Emits when</em> any call returns. <em>Blocks upstream when</em> {@code max(concurrency, 32)}
     * received elements wait for a call, which starts when one of the {@code concurrency} threads is free and
     * fewer than {@code max(concurrency, 32)} results wait for downstream. <em>Completes</em>, <em>fails</em>
     * and <em>cancels</em> as {@link #mapConcurrent}.
     *
     * @param concurrency the most calls in flight, at least 1
     * @param mapper the function; it may block; it runs on several threads at once
     * @param <R> the result type
     * @return the mapped flow, in completion order
     * @throws IllegalArgumentException if {@code concurrency} is not positive
     */
    default <R> Flow<R> mapConcurrentUnordered(int concurrency, Function<? super T, ? extends R> mapper) {
        checkConcurrency(concurrency);
        return FlowMapConcurrent.unordered(this, concurrency, Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * Applies {@code mapper} concurrently across keys but one element at a time, in input order, per key: the
     * results of one key are emitted in input order; results of different keys in completion order. (Among
     * the peers only Pekko's {@code mapAsyncPartitioned} does this.)
     *
     * <p><em>Emits when</em> a call returns. <em>Blocks upstream when</em> {@code concurrency} elements have
     * been received and not yet emitted, including elements waiting behind an earlier element of their key
     * (one hot key can therefore take all the slots). <em>Completes</em>, <em>fails</em> (also when the key
     * function throws or returns null) and <em>cancels</em> as {@link #mapConcurrent}. At most
     * {@code concurrency} keys are tracked at a time: a key is forgotten when it has no element in flight.
     *
     * @param concurrency the most elements in flight, at least 1
     * @param key the key of an element; called on the upstream thread
     * @param mapper the function; it may block; it runs on several threads at once, never twice at once for one key
     * @param <K> the key type
     * @param <R> the result type
     * @return the mapped flow
     * @throws IllegalArgumentException if {@code concurrency} is not positive
     */
    default <K, R> Flow<R> mapConcurrentByKey(int concurrency, Function<? super T, ? extends K> key,
                                              Function<? super T, ? extends R> mapper) {
        checkConcurrency(concurrency);
        return FlowMapConcurrent.byKey(this, concurrency, Objects.requireNonNull(key, "key"),
                Objects.requireNonNull(mapper, "mapper"), null);
    }

    /**
     * {@link #mapConcurrentByKey(int, Function, Function)} with the keys in flight counted against
     * {@code budget}. A new key that the budget has no unit for fails the flow with {@code BUDGET_EXCEEDED}
     * ({@link FlowBudget.Policy#FAIL}) or drops its element, counted in {@link FlowBudget#shedKeys()}
     * ({@link FlowBudget.Policy#SHED}).
     *
     * @param concurrency the most elements in flight, at least 1
     * @param key the key of an element
     * @param mapper the function
     * @param budget the budget the tracked keys count against
     * @param <K> the key type
     * @param <R> the result type
     * @return the mapped flow
     */
    default <K, R> Flow<R> mapConcurrentByKey(int concurrency, Function<? super T, ? extends K> key,
                                              Function<? super T, ? extends R> mapper, FlowBudget budget) {
        checkConcurrency(concurrency);
        return FlowMapConcurrent.byKey(this, concurrency, Objects.requireNonNull(key, "key"),
                Objects.requireNonNull(mapper, "mapper"), (RealFlowBudget) Objects.requireNonNull(budget, "budget"));
    }

    /**
     * A CPU-bound map on every core: {@link #mapParallel(int, Function)} with one platform thread per available
     * processor.
     *
     * @param mapper the function; it runs on several threads at once
     * @param <R> the result type
     * @return the mapped flow, in input order
     */
    default <R> Flow<R> mapParallel(Function<? super T, ? extends R> mapper) {
        return mapParallel(Runtime.getRuntime().availableProcessors(), mapper);
    }

    /**
     * Applies a CPU-bound {@code mapper} on {@code parallelism} platform threads (so long computations never
     * occupy the carriers of virtual threads) and emits the results in input order.
     *
     * <p><em>Emits when</em> the oldest result not yet emitted is ready. <em>Blocks upstream when</em>
     * {@code max(4 × parallelism, 32)} received elements wait for a thread; a thread takes one unless it could
     * leave more than {@code 4 × parallelism} results done behind the oldest unfinished element (the reorder
     * buffer) or more than 32 results wait for downstream although free to leave.
     * <em>Completes</em>, <em>fails</em> and <em>cancels</em> as {@link #mapConcurrent}. The platform threads
     * come from a pool that tide-flow shares between collections ({@code tide-flow-cpu-n}, daemons, created on
     * demand, ended after 30 s without work; it has no fixed size, so nested uses cannot starve each other);
     * every call of a collection has ended, and its threads are back in the pool, when the terminal operation
     * returns.
     *
     * @param parallelism the number of platform threads, at least 1
     * @param mapper the function; it runs on several threads at once
     * @param <R> the result type
     * @return the mapped flow, in input order
     * @throws IllegalArgumentException if {@code parallelism} is not positive
     */
    default <R> Flow<R> mapParallel(int parallelism, Function<? super T, ? extends R> mapper) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be positive: " + parallelism);
        }
        return FlowMapConcurrent.parallel(this, parallelism, Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * Collects up to {@code concurrency} of the inner flows at once, each on its own virtual thread, and emits
     * their elements as they arrive; the outer flow is pulled only when an inner flow may start.
     *
     * <p><em>Emits when</em> any running inner flow emits. <em>Blocks upstream when</em> {@code concurrency}
     * inner flows run (the outer flow), or the shared hand-off (16 elements) is full (the inner flows).
     * <em>Completes when</em> the outer flow and every inner flow have completed. <em>Fails when</em> the outer
     * flow or an inner flow fails: the others are cancelled at once and the failure follows the elements
     * handed off before it. <em>Cancels when</em> downstream stops: every flow is stopped. Order: each inner
     * flow's own order is kept; the interleaving between them is not deterministic.
     *
     * @param concurrency the most inner flows running at once, at least 1
     * @param flows the outer flow of inner flows
     * @param <T> the element type
     * @return the joined flow
     * @throws IllegalArgumentException if {@code concurrency} is not positive
     */
    static <T> Flow<T> parJoin(int concurrency, Flow<? extends Flow<? extends T>> flows) {
        checkConcurrency(concurrency);
        @SuppressWarnings("unchecked")
        Flow<Flow<? extends T>> outer = (Flow<Flow<? extends T>>) Objects.requireNonNull(flows, "flows");
        return new FlowParJoin<Flow<? extends T>, T>(outer, "parJoin", concurrency, inner -> inner);
    }

    /**
     * Maps every element to a flow and collects up to {@code concurrency} of those flows at once:
     * {@code parJoin(concurrency, map(mapper))}, with the mapper's failures tagged {@code flatMapMerge}. For the
     * sequential form see {@link #flatMap}.
     *
     * @param concurrency the most inner flows running at once, at least 1
     * @param mapper returns the inner flow for an element; called on the thread that collects this flow
     * @param <R> the element type of the inner flows
     * @return the merged flow
     * @throws IllegalArgumentException if {@code concurrency} is not positive
     */
    default <R> Flow<R> flatMapMerge(int concurrency, Function<? super T, ? extends Flow<? extends R>> mapper) {
        checkConcurrency(concurrency);
        return new FlowParJoin<>(this, "flatMapMerge", concurrency, Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * Lets upstream run up to {@code n} elements ahead on its own virtual thread: the same as
     * {@link #buffer(int) buffer(n)} (RS2's name).
     *
     * @param n how many elements upstream may produce before downstream takes them, at least 1
     * @return the prefetching flow
     * @throws IllegalArgumentException if {@code n} is not positive
     */
    default Flow<T> prefetch(int n) {
        return new FlowBuffer<>(this, "prefetch", BufferSpec.capacity(n));
    }

    private static void checkConcurrency(int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be positive: " + concurrency);
        }
    }

    // ---- backpressure (see FlowBuffer, FlowRateLimit) and budgets (see FlowBudget)

    /**
     * Lets upstream run up to {@code capacity} elements ahead on its own virtual thread, blocking it when the
     * buffer is full: {@link #buffer(BufferSpec) buffer(BufferSpec.capacity(capacity))}.
     *
     * @param capacity at least 1
     * @return the buffered flow
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    default Flow<T> buffer(int capacity) {
        return buffer(BufferSpec.capacity(capacity));
    }

    /**
     * A buffer of {@code capacity} elements with an overflow policy:
     * {@link #buffer(BufferSpec) buffer(BufferSpec.capacity(capacity).overflow(overflow))}. To count drops, give
     * the spec a {@link FlowMetrics}.
     *
     * @param capacity at least 1
     * @param overflow what happens when an element arrives at a full buffer
     * @return the buffered flow
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    default Flow<T> buffer(int capacity, Overflow overflow) {
        return buffer(BufferSpec.capacity(capacity).overflow(overflow));
    }

    /**
     * Decouples upstream from downstream through a bounded buffer: upstream runs on its own virtual thread
     * ({@code tide-flow-buffer-n}) and the collecting thread emits what it buffered, in order.
     *
     * <p><em>Emits when</em> the buffer holds an element. <em>Blocks upstream when</em> the buffer is full and
     * the policy is {@link Overflow#BLOCK} (until it has drained to the spec's {@code resumeAt}: hysteresis);
     * other policies never block upstream: {@link Overflow#DROP_OLDEST} drops the oldest buffered element,
     * {@link Overflow#DROP_NEWEST} the arriving one (each drop is reported to the spec's metrics), and
     * {@link Overflow#FAIL} fails the flow. <em>Completes when</em> upstream has completed and the buffer is
     * empty. <em>Fails when</em> upstream fails, the buffer overflows under {@code FAIL}
     * ({@link FlowException} of kind {@code BACKPRESSURE_OVERFLOW}), or the spec's budget is exhausted under
     * {@link FlowBudget.Policy#FAIL} ({@code BUDGET_EXCEEDED}); in each case after the elements buffered before
     * the failure (upstream's own exception, unchanged). <em>Cancels when</em> downstream stops: upstream is
     * stopped and its thread joined.
     *
     * @param spec capacity, overflow policy, resume watermark, metrics and budget
     * @return the buffered flow
     * @throws IllegalArgumentException if the spec sets {@code resumeAt} with a policy other than BLOCK
     */
    default Flow<T> buffer(BufferSpec spec) {
        return new FlowBuffer<>(this, "buffer", Objects.requireNonNull(spec, "spec").checked());
    }

    /**
     * A token bucket of {@code permits} tokens refilled at {@code permits} per {@code per}, on the system
     * clock, delaying elements that come too early: {@code rateLimit(permits, per, DELAY, Scheduler.system())}.
     *
     * @param permits tokens per period and the size of the bucket, at least 1
     * @param per the period, positive
     * @return the rate-limited flow
     */
    default Flow<T> rateLimit(int permits, Duration per) {
        return rateLimit(permits, per, ThrottleMode.DELAY, Scheduler.system());
    }

    /**
     * A token bucket on the system clock; see {@link #rateLimit(int, Duration, ThrottleMode, Scheduler)}.
     *
     * @param permits tokens per period and the size of the bucket, at least 1
     * @param per the period, positive
     * @param mode delay or drop the elements that find no token
     * @return the rate-limited flow
     */
    default Flow<T> rateLimit(int permits, Duration per, ThrottleMode mode) {
        return rateLimit(permits, per, mode, Scheduler.system());
    }

    /**
     * Limits the rate with a token bucket: the bucket holds up to {@code permits} tokens (it starts full), one
     * token is added every {@code per / permits}, and each element takes one. So bursts of up to
     * {@code permits} elements pass at once, and in the long run no more than {@code permits} per {@code per}.
     * Runs on the collecting thread (no helper thread).
     *
     * <p><em>Emits when</em> an element finds a token. An element that finds none waits for one
     * ({@link ThrottleMode#DELAY}: nothing is lost, upstream waits too) or is dropped
     * ({@link ThrottleMode#DROP}). <em>Blocks upstream when</em> downstream blocks, and in DELAY mode while an
     * element waits. <em>Completes when</em> upstream completes. <em>Fails when</em> upstream fails, or the
     * thread is interrupted while waiting. <em>Cancels when</em> downstream stops.
     *
     * @param permits tokens per period and the size of the bucket, at least 1
     * @param per the period, positive
     * @param mode delay or drop the elements that find no token
     * @param scheduler the clock (a {@link VirtualScheduler} in tests)
     * @return the rate-limited flow
     * @throws IllegalArgumentException if {@code permits} or {@code per} is not positive
     */
    default Flow<T> rateLimit(int permits, Duration per, ThrottleMode mode, Scheduler scheduler) {
        if (permits < 1) {
            throw new IllegalArgumentException("rateLimit permits must be positive: " + permits);
        }
        Clocks.checkDuration(per, "rateLimit period", false);
        return new FlowRateLimit<>(this, permits, Clocks.nanos(per), Objects.requireNonNull(mode, "mode"),
                Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * At least {@code interval} between two elements, on the system clock, delaying (never dropping) the early
     * ones: {@code rateLimit(1, interval, DELAY)}.
     *
     * @param interval the minimum time between two elements, positive
     * @return the paced flow
     */
    default Flow<T> pace(Duration interval) {
        return pace(interval, Scheduler.system());
    }

    /**
     * At least {@code interval} between two elements on {@code scheduler}'s clock, delaying (never dropping)
     * the early ones: {@code rateLimit(1, interval, DELAY, scheduler)}. The first element passes at once.
     *
     * @param interval the minimum time between two elements, positive
     * @param scheduler the clock
     * @return the paced flow
     */
    default Flow<T> pace(Duration interval, Scheduler scheduler) {
        return rateLimit(1, interval, ThrottleMode.DELAY, scheduler);
    }

    /**
     * {@link #distinct()} with the remembered elements counted as keys against {@code budget}; see
     * {@link #distinctBy(Function, FlowBudget)}.
     *
     * @param budget the budget the remembered elements count against
     * @return the flow without repeated elements
     */
    default Flow<T> distinct(FlowBudget budget) {
        return new FlowDistinctBudgeted<>(this, "distinct", Function.identity(),
                (RealFlowBudget) Objects.requireNonNull(budget, "budget"));
    }

    /**
     * {@link #distinctBy(Function)} with the remembered keys counted against {@code budget}. When a new key
     * finds no unit left: under {@link FlowBudget.Policy#FAIL} the flow fails with a {@link FlowException} of
     * kind {@code BUDGET_EXCEEDED}; under {@link FlowBudget.Policy#SHED} the stage forgets its oldest key
     * (counted in {@link FlowBudget#shedKeys()}; a later element with that key is emitted again) and emits the
     * element. The keys are given back when the collection ends.
     *
     * @param key the key of an element; called on the collecting thread
     * @param budget the budget the remembered keys count against
     * @param <K> the key type
     * @return the flow without elements of repeated keys
     */
    default <K> Flow<T> distinctBy(Function<? super T, ? extends K> key, FlowBudget budget) {
        return new FlowDistinctBudgeted<>(this, "distinctBy", Objects.requireNonNull(key, "key"),
                (RealFlowBudget) Objects.requireNonNull(budget, "budget"));
    }

    // ---- metrics (see FlowMetrics, FlowWithMetrics)

    /**
     * Feeds {@code metrics} with what passes this point; see
     * {@link #withMetrics(FlowMetrics, java.util.function.ToLongFunction)} (without a sizer every element
     * counts 0 bytes).
     *
     * @param metrics the metrics to feed
     * @return this flow, measured
     */
    default Flow<T> withMetrics(FlowMetrics metrics) {
        return new FlowWithMetrics<>(this, (RealFlowMetrics) Objects.requireNonNull(metrics, "metrics"), null);
    }

    /**
     * Feeds {@code metrics} with what passes this point, on the collecting thread (no helper thread): each
     * element is counted with its size ({@code sizer}), the time upstream took to deliver it is recorded as a
     * processing time (also into the latency percentiles), and an upstream failure passing through is counted
     * as an error (unless {@link FlowMetrics#timed} already counted that exception); the collection's duration
     * is active time for the rates. Elements and failures pass unchanged; failures of downstream and early
     * stops are not counted.
     *
     * @param metrics the metrics to feed
     * @param sizer the size of an element in bytes (zero or more)
     * @return this flow, measured
     */
    default Flow<T> withMetrics(FlowMetrics metrics, java.util.function.ToLongFunction<? super T> sizer) {
        return new FlowWithMetrics<>(this, (RealFlowMetrics) Objects.requireNonNull(metrics, "metrics"),
                Objects.requireNonNull(sizer, "sizer"));
    }

    // ------------------------------------------------------------------ debuggability

    /**
     * Names this stage: a failure of its user function reports the name next to the operator, e.g. a
     * suppressed "failed in stage map#3 'parse'" on the user's own exception (which is not wrapped).
     * Otherwise the flow is unchanged. Naming a named flow replaces the name.
     *
     * @param name the stage name shown in failures
     * @return this flow, named
     */
    default Flow<T> named(String name) {
        Objects.requireNonNull(name, "name");
        return this instanceof FlowNamed<T> named ? named.rename(name) : new FlowNamed<>(this, name);
    }

    private static <T> List<Flow<? extends T>> copyOf(Flow<? extends T>[] flows) {
        List<Flow<? extends T>> copy = new ArrayList<>(flows.length);
        for (Flow<? extends T> flow : flows) {
            copy.add(Objects.requireNonNull(flow, "flows must not contain null"));
        }
        return List.copyOf(copy);
    }
}
