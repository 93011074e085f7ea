package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the grouping and combining operators against simple reference implementations. */
class FlowPropertiesTest {

    @Property(tries = 200)
    void chunksConcatenateToTheInput(@ForAll @Size(max = 40) List<Integer> input, @ForAll @IntRange(min = 1, max = 7) int n) {
        List<List<Integer>> chunks = Flow.fromIterable(input).chunk(n).toList();
        assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(input);
        for (int i = 0; i < chunks.size(); i++) {
            if (i < chunks.size() - 1) {
                assertThat(chunks.get(i)).hasSize(n);
            } else {
                assertThat(chunks.get(i).size()).isBetween(1, n);
            }
        }
    }

    @Property(tries = 300)
    void slidingWindowsMatchTheReference(@ForAll @Size(max = 30) List<Integer> input,
                                         @ForAll @IntRange(min = 1, max = 6) int size,
                                         @ForAll @IntRange(min = 1, max = 6) int step) {
        List<List<Integer>> expected = new ArrayList<>();
        for (int start = 0; start + size <= input.size(); start += step) {
            expected.add(input.subList(start, start + size));
        }
        assertThat(Flow.fromIterable(input).slidingWindow(size, step).toList()).isEqualTo(expected);
    }

    @Property(tries = 100)
    void mergeKeepsEveryElementAndEachSourcesOrder(@ForAll @Size(max = 4) List<@Size(max = 30) List<Integer>> sources) {
        List<Flow<Pair<Integer, Integer>>> flows = new ArrayList<>();
        for (int s = 0; s < sources.size(); s++) {
            int source = s;
            flows.add(Flow.fromIterable(sources.get(s)).map(v -> Pair.of(source, v)));
        }
        @SuppressWarnings("unchecked")
        Flow<Pair<Integer, Integer>>[] array = flows.toArray(new Flow[0]);
        List<Pair<Integer, Integer>> out = Flow.merge(array).toList();
        assertThat(out).hasSize(sources.stream().mapToInt(List::size).sum());
        for (int s = 0; s < sources.size(); s++) {
            int source = s;
            assertThat(out.stream().filter(p -> p.first() == source).map(Pair::second).toList())
                    .isEqualTo(sources.get(s));
        }
        assertThat(FlowThreads.live()).isEmpty();
    }

    @Property(tries = 100)
    void interleaveIsRoundRobin(@ForAll @Size(max = 4) List<@Size(max = 10) List<Integer>> sources) {
        List<Integer> expected = new ArrayList<>();
        int longest = sources.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (List<Integer> source : sources) {
                if (i < source.size()) {
                    expected.add(source.get(i));
                }
            }
        }
        @SuppressWarnings("unchecked")
        Flow<Integer>[] array = sources.stream().map(Flow::fromIterable).toList().toArray(new Flow[0]);
        assertThat(Flow.interleave(array).toList()).isEqualTo(expected);
    }

    @Property(tries = 200)
    void zipPairsUpToTheShorter(@ForAll @Size(max = 20) List<Integer> left, @ForAll @Size(max = 20) List<String> right) {
        List<Pair<Integer, String>> expected = new ArrayList<>();
        for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
            expected.add(Pair.of(left.get(i), right.get(i)));
        }
        assertThat(Flow.fromIterable(left).zip(Flow.fromIterable(right)).toList()).isEqualTo(expected);
    }

    @Property(tries = 200)
    void distinctKeepsFirstOccurrences(@ForAll @Size(max = 40) List<@IntRange(max = 9) Integer> input) {
        assertThat(Flow.fromIterable(input).distinct().toList()).isEqualTo(new ArrayList<>(new LinkedHashSet<>(input)));
    }

    @Property(tries = 200)
    void scanEmitsEveryPrefixSum(@ForAll @Size(max = 30) List<@IntRange(min = -100, max = 100) Integer> input) {
        List<Integer> expected = new ArrayList<>();
        int sum = 0;
        expected.add(sum);
        for (int v : input) {
            sum += v;
            expected.add(sum);
        }
        assertThat(Flow.fromIterable(input).scan(0, Integer::sum).toList()).isEqualTo(expected);
    }

    @Property(tries = 100)
    void theIteratorYieldsTheFlow(@ForAll @Size(max = 60) List<Integer> input) {
        List<Integer> out = new ArrayList<>();
        try (CloseableIterator<Integer> it = Flow.fromIterable(input).iterator()) {
            it.forEachRemaining(out::add);
        }
        assertThat(out).isEqualTo(input);
        assertThat(FlowThreads.live()).isEmpty();
    }
}
