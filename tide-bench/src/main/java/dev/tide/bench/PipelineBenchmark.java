package dev.tide.bench;

import dev.tide.flow.Flow;
import io.reactivex.rxjava3.core.Flowable;
import io.smallrye.mutiny.Multi;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
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
 * Sequential pipelines, the same workload in every library over the same boxed input list:
 * (a) map(x*2) then filter(x%3==0), summed; (b) chunk(100) then fold; (c) flatMap each item to 3, counted.
 * Run: {@code java -jar tide-bench/target/benchmarks.jar PipelineBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class PipelineBenchmark {

    @Param({"1000000"})
    public int size;

    private List<Long> input;
    private List<Long> flatInput;
    private ActorSystem system;
    private Materializer materializer;

    @Setup(Level.Trial)
    public void setUp() {
        input = new ArrayList<>(size);
        for (long i = 0; i < size; i++) {
            input.add(i);
        }
        flatInput = input.subList(0, 100_000);
        system = ActorSystem.create("bench");
        materializer = Materializer.createMaterializer(system);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        system.terminate();
    }

    private <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    // ---------------------------------------------------------------- (a) map + filter

    @Benchmark
    public long a_mapFilter_tide() {
        return Flow.fromIterable(input).map(x -> x * 2).filter(x -> x % 3 == 0).fold(0L, Long::sum);
    }

    @Benchmark
    public long a_mapFilter_reactor() {
        return Flux.fromIterable(input).map(x -> x * 2).filter(x -> x % 3 == 0).reduce(0L, Long::sum).block();
    }

    @Benchmark
    public long a_mapFilter_rxjava() {
        return Flowable.fromIterable(input).map(x -> x * 2).filter(x -> x % 3 == 0).reduce(0L, Long::sum).blockingGet();
    }

    @Benchmark
    public long a_mapFilter_mutiny() {
        return Multi.createFrom().iterable(input).map(x -> x * 2).filter(x -> x % 3 == 0)
                .collect().with(java.util.stream.Collectors.summingLong(Long::longValue)).await().indefinitely();
    }

    @Benchmark
    public long a_mapFilter_pekko() {
        return await(Source.from(input).map(x -> x * 2).filter(x -> x % 3 == 0)
                .runWith(Sink.fold(0L, Long::sum), materializer));
    }

    @Benchmark
    public long a_mapFilter_javaStream() {
        return input.stream().map(x -> x * 2).filter(x -> x % 3 == 0).reduce(0L, Long::sum);
    }

    @Benchmark
    public long a_mapFilter_loop() {
        long sum = 0;
        for (Long x : input) {
            long y = x * 2;
            if (y % 3 == 0) {
                sum += y;
            }
        }
        return sum;
    }

    // ---------------------------------------------------------------- (b) chunk(100) + fold

    @Benchmark
    public long b_chunkFold_tide() {
        return Flow.fromIterable(input).chunk(100).fold(0L, (acc, chunk) -> acc + chunk.size());
    }

    @Benchmark
    public long b_chunkFold_reactor() {
        return Flux.fromIterable(input).buffer(100).reduce(0L, (acc, chunk) -> acc + chunk.size()).block();
    }

    @Benchmark
    public long b_chunkFold_rxjava() {
        return Flowable.fromIterable(input).buffer(100).reduce(0L, (acc, chunk) -> acc + chunk.size()).blockingGet();
    }

    @Benchmark
    public long b_chunkFold_mutiny() {
        return Multi.createFrom().iterable(input).group().intoLists().of(100)
                .collect().with(java.util.stream.Collectors.summingLong(List::size)).await().indefinitely();
    }

    @Benchmark
    public long b_chunkFold_pekko() {
        return await(Source.from(input).grouped(100).runWith(Sink.fold(0L, (acc, chunk) -> acc + chunk.size()), materializer));
    }

    @Benchmark
    public long b_chunkFold_loop() {
        long acc = 0;
        List<Long> chunk = new ArrayList<>(100);
        for (Long x : input) {
            chunk.add(x);
            if (chunk.size() == 100) {
                acc += chunk.size();
                chunk = new ArrayList<>(100);
            }
        }
        return acc + chunk.size();
    }

    // ---------------------------------------------------------------- (c) flatMap to 3, 100k items

    @Benchmark
    public long c_flatMap_tide() {
        return Flow.fromIterable(flatInput).flatMap(x -> Flow.of(x, x + 1, x + 2)).count();
    }

    @Benchmark
    public long c_flatMap_reactor() {
        return Flux.fromIterable(flatInput).concatMap(x -> Flux.just(x, x + 1, x + 2)).count().block();
    }

    @Benchmark
    public long c_flatMap_rxjava() {
        return Flowable.fromIterable(flatInput).concatMap(x -> Flowable.just(x, x + 1, x + 2)).count().blockingGet();
    }

    @Benchmark
    public long c_flatMap_mutiny() {
        return Multi.createFrom().iterable(flatInput).onItem().transformToMultiAndConcatenate(x -> Multi.createFrom().items(x, x + 1, x + 2))
                .collect().with(java.util.stream.Collectors.counting()).await().indefinitely();
    }

    @Benchmark
    public long c_flatMap_pekko() {
        return await(Source.from(flatInput).flatMapConcat(x -> Source.from(List.of(x, x + 1, x + 2)))
                .runWith(Sink.fold(0L, (acc, x) -> acc + 1), materializer));
    }

    @Benchmark
    public long c_flatMap_javaStream() {
        return flatInput.stream().flatMap(x -> java.util.stream.Stream.of(x, x + 1, x + 2)).count();
    }
}
