package dev.tide.flow;

import static dev.tide.flow.MapConcurrentTest.newThreadsSince;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/*
 * Properties of the concurrent and backpressure operators over inputs drawn from a seeded java.util.Random
 * (the same cases on every run; the assertion message names the case and its input). The functions under test
 * spin or yield for an amount that depends on the element, so completion order differs from input order, but
 * nothing sleeps and nothing depends on timing: each property must hold for every interleaving.
 */
class ConcurrencyPropertiesTest {

    private static final long SEED = 0x5EEDC0DEL;
    private static final Duration SAFETY = Duration.ofSeconds(60);

    /** A busy function whose duration depends on the element (0 to ~2000 spins, sometimes a yield). */
    private static int work(int x) {
        int spins = Math.floorMod(x * 7919, 2000);
        for (int i = 0; i < spins; i++) {
            Thread.onSpinWait();
        }
        if (x % 3 == 0) {
            Thread.yield();
        }
        return x * 31 + 7;
    }

    private static List<Integer> randomList(Random random, int maxSize) {
        int size = random.nextInt(maxSize + 1);
        List<Integer> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(random.nextInt(1000) - 100);
        }
        return list;
    }

    @Test
    void orderedConcurrentMapEqualsTheSequentialMapAndHoldsBoundedElements() {
        assertTimeoutPreemptively(SAFETY, () -> {
            Random random = new Random(SEED);
            for (int c = 0; c < 300; c++) {
                List<Integer> input = randomList(random, 150);
                int n = 1 + random.nextInt(16);
                String as = "case " + c + ": mapConcurrent(" + n + ") over " + input;
                AtomicInteger emitted = new AtomicInteger();
                AtomicInteger maxHeld = new AtomicInteger();
                Flow<Integer> source = emitter -> {
                    int pulled = 0;
                    for (Integer x : input) {
                        emitter.emit(x);
                        pulled++;
                        // admitted and not yet emitted: bounded by the window
                        maxHeld.accumulateAndGet(pulled - emitted.get(), Math::max);
                    }
                };
                List<Integer> out = new ArrayList<>();
                Set<Thread> before = FlowThreads.live();
                source.mapConcurrent(n, ConcurrencyPropertiesTest::work).forEach(v -> {
                    out.add(v);
                    emitted.incrementAndGet();
                });
                assertThat(out).as(as).isEqualTo(input.stream().map(ConcurrencyPropertiesTest::work).toList());
                // the head, n results behind it, 32 results free to leave, max(n, 32) prefetched for the workers
                int bound = 1 + n + FlowMapConcurrent.BATCH + Math.max(n, FlowMapConcurrent.BATCH);
                assertThat(maxHeld.get()).as(as + ": elements held").isLessThanOrEqualTo(bound);
                assertThat(newThreadsSince(before)).as(as).isEmpty();
            }
        });
    }

    @Test
    void unorderedAndByKeyKeepEveryResultOnceAndByKeyKeepsEachKeysOrder() {
        assertTimeoutPreemptively(SAFETY, () -> {
            Random random = new Random(SEED + 1);
            for (int c = 0; c < 300; c++) {
                List<Integer> input = randomList(random, 150);
                int n = 1 + random.nextInt(16);
                int keys = 1 + random.nextInt(6);
                String as = "case " + c + ": n " + n + ", keys " + keys + ", input " + input;
                List<Integer> expected = input.stream().map(ConcurrencyPropertiesTest::work).toList();
                List<Integer> unordered = Flow.fromIterable(input).mapConcurrentUnordered(n, ConcurrencyPropertiesTest::work)
                        .toList();
                assertThat(unordered).as(as).containsExactlyInAnyOrderElementsOf(expected);
                Function<Integer, Integer> key = x -> Math.floorMod(x, keys);
                List<Pair<Integer, Integer>> byKey = Flow.fromIterable(input)
                        .mapConcurrentByKey(n, key, x -> Pair.of(key.apply(x), work(x))).toList();
                assertThat(byKey).as(as).hasSize(input.size());
                for (int k = 0; k < keys; k++) {
                    int kk = k;
                    assertThat(byKey.stream().filter(p -> p.first() == kk).map(Pair::second).toList())
                            .as(as + ", key " + k)
                            .isEqualTo(input.stream().filter(x -> key.apply(x) == kk).map(ConcurrencyPropertiesTest::work)
                                    .toList());
                }
            }
        });
    }

    @Test
    void mapParallelEqualsTheSequentialMap() {
        assertTimeoutPreemptively(SAFETY, () -> {
            Random random = new Random(SEED + 2);
            for (int c = 0; c < 60; c++) {
                List<Integer> input = randomList(random, 300);
                int parallelism = 1 + random.nextInt(4);
                assertThat(Flow.fromIterable(input).mapParallel(parallelism, ConcurrencyPropertiesTest::work).toList())
                        .as("case " + c + ": mapParallel(" + parallelism + ") over " + input)
                        .isEqualTo(input.stream().map(ConcurrencyPropertiesTest::work).toList());
            }
        });
    }

    @Test
    void parJoinKeepsEveryElementAndEachInnerFlowsOrder() {
        assertTimeoutPreemptively(SAFETY, () -> {
            Random random = new Random(SEED + 3);
            for (int c = 0; c < 200; c++) {
                List<List<Integer>> inners = new ArrayList<>();
                int count = random.nextInt(8);
                for (int i = 0; i < count; i++) {
                    inners.add(randomList(random, 40));
                }
                int n = 1 + random.nextInt(4);
                String as = "case " + c + ": parJoin(" + n + ") of " + inners;
                List<Flow<Pair<Integer, Integer>>> flows = new ArrayList<>();
                for (int i = 0; i < inners.size(); i++) {
                    int id = i;
                    flows.add(Flow.fromIterable(inners.get(i)).map(x -> Pair.of(id, work(x))));
                }
                List<Pair<Integer, Integer>> out = Flow.parJoin(n, Flow.fromIterable(flows)).toList();
                assertThat(out).as(as).hasSize(inners.stream().mapToInt(List::size).sum());
                for (int i = 0; i < inners.size(); i++) {
                    int id = i;
                    assertThat(out.stream().filter(p -> p.first() == id).map(Pair::second).toList()).as(as)
                            .isEqualTo(inners.get(i).stream().map(ConcurrencyPropertiesTest::work).toList());
                }
            }
        });
    }

    @Test
    void aBlockingBufferLosesAndDuplicatesNothing() {
        assertTimeoutPreemptively(SAFETY, () -> {
            Random random = new Random(SEED + 4);
            for (int c = 0; c < 400; c++) {
                List<Integer> input = randomList(random, 300);
                int capacity = 1 + random.nextInt(8);
                int resumeAt = random.nextInt(capacity);
                FlowMetrics metrics = FlowMetrics.create("case" + c);
                String as = "case " + c + ": buffer(capacity " + capacity + ", resumeAt " + resumeAt + ") over " + input;
                List<Integer> out = new ArrayList<>();
                Flow.fromIterable(input).map(ConcurrencyPropertiesTest::work)
                        .buffer(BufferSpec.capacity(capacity).resumeAt(resumeAt).metrics(metrics))
                        .forEach(v -> {
                            if (Math.floorMod(v, 5) == 0) {
                                Thread.yield(); // a consumer that is sometimes slower than the producer
                            }
                            out.add(v);
                        });
                assertThat(out).as(as).isEqualTo(input.stream().map(ConcurrencyPropertiesTest::work).toList());
                assertThat(metrics.snapshot().dropped()).as(as).isZero();
                assertThat(metrics.snapshot().queueDepth()).as(as).isZero();
            }
        });
    }

    @Test
    void resourcesAreReleasedOnCancelAndOnError() {
        assertTimeoutPreemptively(SAFETY, () -> {
            Random random = new Random(SEED + 5);
            String[] operators = {"mapConcurrent", "mapConcurrentUnordered", "mapConcurrentByKey", "mapParallel",
                    "flatMapMerge", "buffer", "prefetch"};
            for (int c = 0; c < 400; c++) {
                String operator = operators[random.nextInt(operators.length)];
                int size = 1 + random.nextInt(200);
                int n = 1 + random.nextInt(8);
                int ending = random.nextInt(3); // 0: take(k) downstream, 1: the function fails, 2: upstream fails
                int at = random.nextInt(size);
                String as = "case " + c + ": " + operator + "(" + n + "), size " + size + ", "
                        + new String[] {"take(" + (at + 1) + ")", "function fails at " + at, "upstream fails at " + at}[ending];
                AtomicInteger opened = new AtomicInteger();
                AtomicInteger closed = new AtomicInteger();
                AtomicInteger callsRunning = new AtomicInteger();
                IllegalStateException upstreamFailure = new IllegalStateException("upstream " + c);
                IllegalArgumentException functionFailure = new IllegalArgumentException("function " + c);
                Flow<Integer> source = emitter -> {
                    opened.incrementAndGet();
                    try {
                        for (int i = 0; i < size; i++) {
                            if (ending == 2 && i == at) {
                                throw upstreamFailure;
                            }
                            emitter.emit(i);
                        }
                    } finally {
                        closed.incrementAndGet();
                    }
                };
                Function<Integer, Integer> f = x -> {
                    callsRunning.incrementAndGet();
                    try {
                        if (ending == 1 && x == at) {
                            throw functionFailure;
                        }
                        return work(x);
                    } finally {
                        callsRunning.decrementAndGet();
                    }
                };
                FlowBudget budget = FlowBudget.builder("case" + c).build();
                Flow<Integer> flow = switch (operator) {
                    case "mapConcurrent" -> source.mapConcurrent(n, f);
                    case "mapConcurrentUnordered" -> source.mapConcurrentUnordered(n, f);
                    case "mapConcurrentByKey" -> source.mapConcurrentByKey(n, x -> x % 3, f, budget);
                    case "mapParallel" -> source.mapParallel(Math.min(n, 3), f);
                    case "flatMapMerge" -> source.flatMapMerge(n, x -> Flow.of(x).map(f));
                    case "buffer" -> source.map(f).buffer(BufferSpec.capacity(n).budget(budget));
                    default -> source.map(f).prefetch(n);
                };
                if (ending == 0) {
                    flow = flow.take(at + 1);
                }
                Set<Thread> before = FlowThreads.live();
                Throwable thrown = null;
                List<Integer> out = new ArrayList<>();
                try {
                    flow.forEach(out::add);
                } catch (Throwable t) {
                    thrown = t;
                }
                switch (ending) {
                    case 0 -> {
                        assertThat(thrown).as(as).isNull();
                        assertThat(out).as(as).hasSize(at + 1);
                    }
                    case 1 -> assertThat(thrown).as(as).isSameAs(functionFailure);
                    default -> assertThat(thrown).as(as).isSameAs(upstreamFailure);
                }
                assertThat(opened.get()).as(as + ": source collected once").isEqualTo(1);
                assertThat(closed.get()).as(as + ": source's finally ran").isEqualTo(1);
                assertThat(callsRunning.get()).as(as + ": calls still running").isZero();
                assertThat(newThreadsSince(before)).as(as + ": threads still running").isEmpty();
                assertThat(CpuPool.running()).as(as + ": CPU pool tasks still running").isZero();
                assertThat(budget.keys()).as(as + ": keys held").isZero();
                assertThat(budget.bufferedItems()).as(as + ": items held").isZero();
            }
        });
    }
}
