package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/*
 * Properties of the grouping and combining operators against simple reference implementations.
 *
 * Each property runs over inputs drawn from a java.util.Random with a fixed seed, so every run checks the
 * same cases; the assertion message names the case (its number and its input) so a failure can be replayed.
 */
class FlowPropertiesTest {

    private static final long SEED = 0x71DEF10AL;

    /** A list of up to {@code maxSize} integers: small values, with some extremes and duplicates mixed in. */
    static List<Integer> randomInts(Random random, int maxSize, int bound) {
        int size = random.nextInt(maxSize + 1);
        List<Integer> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int pick = random.nextInt(20);
            if (bound <= 0 && pick == 0) {
                list.add(Integer.MIN_VALUE);
            } else if (bound <= 0 && pick == 1) {
                list.add(Integer.MAX_VALUE);
            } else if (bound <= 0) {
                list.add(random.nextInt(201) - 100);
            } else {
                list.add(random.nextInt(bound));
            }
        }
        return list;
    }

    @Test
    void chunksConcatenateToTheInput() {
        Random random = new Random(SEED);
        for (int c = 0; c < 200; c++) {
            List<Integer> input = randomInts(random, 40, 0);
            int n = 1 + random.nextInt(7);
            String as = "case " + c + ": chunk(" + n + ") of " + input;
            List<List<Integer>> chunks = Flow.fromIterable(input).chunk(n).toList();
            assertThat(chunks.stream().flatMap(List::stream).toList()).as(as).isEqualTo(input);
            for (int i = 0; i < chunks.size(); i++) {
                if (i < chunks.size() - 1) {
                    assertThat(chunks.get(i)).as(as).hasSize(n);
                } else {
                    assertThat(chunks.get(i).size()).as(as).isBetween(1, n);
                }
            }
        }
    }

    @Test
    void slidingWindowsMatchTheReference() {
        Random random = new Random(SEED + 1);
        for (int c = 0; c < 300; c++) {
            List<Integer> input = randomInts(random, 30, 0);
            int size = 1 + random.nextInt(6);
            int step = 1 + random.nextInt(6);
            List<List<Integer>> expected = new ArrayList<>();
            for (int start = 0; start + size <= input.size(); start += step) {
                expected.add(input.subList(start, start + size));
            }
            assertThat(Flow.fromIterable(input).slidingWindow(size, step).toList())
                    .as("case " + c + ": slidingWindow(" + size + ", " + step + ") of " + input)
                    .isEqualTo(expected);
        }
    }

    @Test
    void mergeKeepsEveryElementAndEachSourcesOrder() {
        Random random = new Random(SEED + 2);
        for (int c = 0; c < 100; c++) {
            List<List<Integer>> sources = new ArrayList<>();
            int count = random.nextInt(5);
            for (int s = 0; s < count; s++) {
                sources.add(randomInts(random, 30, 0));
            }
            String as = "case " + c + ": merge of " + sources;
            List<Flow<Pair<Integer, Integer>>> flows = new ArrayList<>();
            for (int s = 0; s < sources.size(); s++) {
                int source = s;
                flows.add(Flow.fromIterable(sources.get(s)).map(v -> Pair.of(source, v)));
            }
            @SuppressWarnings("unchecked")
            Flow<Pair<Integer, Integer>>[] array = flows.toArray(new Flow[0]);
            List<Pair<Integer, Integer>> out = Flow.merge(array).toList();
            assertThat(out).as(as).hasSize(sources.stream().mapToInt(List::size).sum());
            for (int s = 0; s < sources.size(); s++) {
                int source = s;
                assertThat(out.stream().filter(p -> p.first() == source).map(Pair::second).toList())
                        .as(as + ", source " + s).isEqualTo(sources.get(s));
            }
            assertThat(FlowThreads.live()).as(as).isEmpty();
        }
    }

    @Test
    void interleaveIsRoundRobin() {
        Random random = new Random(SEED + 3);
        for (int c = 0; c < 100; c++) {
            List<List<Integer>> sources = new ArrayList<>();
            int count = random.nextInt(5);
            for (int s = 0; s < count; s++) {
                sources.add(randomInts(random, 10, 0));
            }
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
            assertThat(Flow.interleave(array).toList()).as("case " + c + ": interleave of " + sources)
                    .isEqualTo(expected);
        }
    }

    @Test
    void zipPairsUpToTheShorter() {
        Random random = new Random(SEED + 4);
        for (int c = 0; c < 200; c++) {
            List<Integer> left = randomInts(random, 20, 0);
            List<String> right = randomInts(random, 20, 0).stream().map(i -> "s" + i).toList();
            List<Pair<Integer, String>> expected = new ArrayList<>();
            for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
                expected.add(Pair.of(left.get(i), right.get(i)));
            }
            assertThat(Flow.fromIterable(left).zip(Flow.fromIterable(right)).toList())
                    .as("case " + c + ": zip of " + left + " and " + right).isEqualTo(expected);
        }
    }

    @Test
    void distinctKeepsFirstOccurrences() {
        Random random = new Random(SEED + 5);
        for (int c = 0; c < 200; c++) {
            List<Integer> input = randomInts(random, 40, 10);
            assertThat(Flow.fromIterable(input).distinct().toList()).as("case " + c + ": distinct of " + input)
                    .isEqualTo(new ArrayList<>(new LinkedHashSet<>(input)));
        }
    }

    @Test
    void scanEmitsEveryPrefixSum() {
        Random random = new Random(SEED + 6);
        for (int c = 0; c < 200; c++) {
            List<Integer> input = randomInts(random, 30, 201).stream().map(v -> v - 100).toList();
            List<Integer> expected = new ArrayList<>();
            int sum = 0;
            expected.add(sum);
            for (int v : input) {
                sum += v;
                expected.add(sum);
            }
            assertThat(Flow.fromIterable(input).scan(0, Integer::sum).toList()).as("case " + c + ": scan of " + input)
                    .isEqualTo(expected);
        }
    }

    @Test
    void theIteratorYieldsTheFlow() {
        Random random = new Random(SEED + 7);
        for (int c = 0; c < 100; c++) {
            List<Integer> input = randomInts(random, 60, 0);
            List<Integer> out = new ArrayList<>();
            try (CloseableIterator<Integer> it = Flow.fromIterable(input).iterator()) {
                it.forEachRemaining(out::add);
            }
            assertThat(out).as("case " + c + ": iterator over " + input).isEqualTo(input);
            assertThat(FlowThreads.live()).as("case " + c).isEmpty();
        }
    }
}
