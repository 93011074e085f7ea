package dev.tide.bench;

import dev.tide.flow.Flow;
import io.reactivex.rxjava3.core.Flowable;
import io.smallrye.mutiny.Multi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;

/**
 * (e) Group 1M boxed longs by {@code x % 1000} and count each group; (f) distinct over 1M boxed longs with
 * 100k distinct values (scattered: {@code i * 7919 % 100_000}), counted. Tide has no keyed streaming group-by
 * yet, so its (e) row uses the terminal {@code collect(Collectors.groupingBy(..., counting()))}; the reactive
 * peers use their groupBy with one sub-stream per key. Pekko has no distinct: a filter over a per-run set.
 * Run: {@code java -jar tide-bench/target/benchmarks.jar GroupDistinctBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class GroupDistinctBenchmark {

    @Param({"1000000"})
    public int size;

    private List<Long> input;
    private List<Long> scattered;
    private ActorSystem system;
    private Materializer materializer;

    @Setup(Level.Trial)
    public void setUp() {
        input = new ArrayList<>(size);
        scattered = new ArrayList<>(size);
        for (long i = 0; i < size; i++) {
            input.add(i);
            scattered.add(i * 7919 % 100_000);
        }
        system = ActorSystem.create("bench");
        materializer = Materializer.createMaterializer(system);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        system.terminate();
    }

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    // ---------------------------------------------------------------- (e) group by key % 1000, count

    @Benchmark
    public int e_groupCount_tide() {
        return Flow.fromIterable(input).collect(Collectors.groupingBy(x -> x % 1000, Collectors.counting())).size();
    }

    @Benchmark
    public long e_groupCount_reactor() {
        return Flux.fromIterable(input).groupBy(x -> x % 1000).flatMap(g -> g.count(), 1024).count().block();
    }

    @Benchmark
    public long e_groupCount_rxjava() {
        return Flowable.fromIterable(input).groupBy(x -> x % 1000).flatMap(g -> g.count().toFlowable(), 1024)
                .count().blockingGet();
    }

    @Benchmark
    public long e_groupCount_mutiny() {
        return Multi.createFrom().iterable(input).group().by(x -> x % 1000)
                .onItem().transformToUni(g -> g.collect().with(Collectors.counting())).merge(1024)
                .collect().with(Collectors.counting()).await().indefinitely();
    }

    @Benchmark
    public long e_groupCount_pekko() {
        return await(Source.from(input).groupBy(1024, x -> x % 1000).fold(0L, (acc, x) -> acc + 1).mergeSubstreams()
                .runWith(Sink.fold(0L, (n, c) -> n + 1), materializer));
    }

    @Benchmark
    public int e_groupCount_javaStream() {
        return input.stream().collect(Collectors.groupingBy(x -> x % 1000, Collectors.counting())).size();
    }

    @Benchmark
    public int e_groupCount_loop() {
        Map<Long, Long> counts = new HashMap<>();
        for (Long x : input) {
            counts.merge(x % 1000, 1L, Long::sum);
        }
        return counts.size();
    }

    // ---------------------------------------------------------------- (f) distinct, 100k keys

    @Benchmark
    public long f_distinct_tide() {
        return Flow.fromIterable(scattered).distinct().count();
    }

    @Benchmark
    public long f_distinct_reactor() {
        return Flux.fromIterable(scattered).distinct().count().block();
    }

    @Benchmark
    public long f_distinct_rxjava() {
        return Flowable.fromIterable(scattered).distinct().count().blockingGet();
    }

    @Benchmark
    public long f_distinct_mutiny() {
        return Multi.createFrom().iterable(scattered).select().distinct().collect().with(Collectors.counting())
                .await().indefinitely();
    }

    @Benchmark
    public long f_distinct_pekko() {
        Set<Long> seen = new HashSet<>();
        return await(Source.from(scattered).filter(seen::add).runWith(Sink.fold(0L, (n, x) -> n + 1), materializer));
    }

    @Benchmark
    public long f_distinct_javaStream() {
        return scattered.stream().distinct().count();
    }

    @Benchmark
    public int f_distinct_loop() {
        Set<Long> seen = new HashSet<>();
        for (Long x : scattered) {
            seen.add(x);
        }
        return seen.size();
    }
}
