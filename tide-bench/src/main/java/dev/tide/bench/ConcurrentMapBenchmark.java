package dev.tide.bench;

import com.typesafe.config.ConfigFactory;
import dev.tide.flow.Flow;
import io.reactivex.rxjava3.core.Flowable;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
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
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * (d) Ordered concurrent map: 2,000 items, at most 64 in flight, each a 1 ms blocking sleep; results in input
 * order, summed. The ideal is 64 items per ms, i.e. 31.25 ms per operation. Every peer gets a pool of at least
 * 64 threads (Reactor's default boundedElastic would cap at 10 × cores, Pekko's default blocking dispatcher at
 * 16), or virtual threads. Mutiny has no ordered concurrent map: its row is unordered (merge(64)).
 * Run: {@code java -jar tide-bench/target/benchmarks.jar ConcurrentMapBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ConcurrentMapBenchmark {

    @Param({"2000"})
    public int size;

    @Param({"64"})
    public int concurrency;

    private List<Long> input;
    private ExecutorService virtualThreads;
    private Scheduler reactorElastic;
    private Scheduler reactorVirtual;
    private io.reactivex.rxjava3.core.Scheduler rxVirtual;
    private ExecutorService platform64;
    private ActorSystem system;
    private Materializer materializer;
    private java.util.concurrent.Executor pekkoBlocking;

    static long sleepy(long x) {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return x;
    }

    @Setup(Level.Trial)
    public void setUp() {
        input = new ArrayList<>(size);
        for (long i = 0; i < size; i++) {
            input.add(i);
        }
        virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
        reactorElastic = Schedulers.newBoundedElastic(concurrency, Integer.MAX_VALUE, "bench-elastic");
        reactorVirtual = Schedulers.fromExecutorService(virtualThreads, "bench-virtual");
        rxVirtual = io.reactivex.rxjava3.schedulers.Schedulers.from(virtualThreads);
        platform64 = Executors.newFixedThreadPool(concurrency);
        system = ActorSystem.create("bench", ConfigFactory.parseString(
                "bench-blocking { type = Dispatcher, executor = thread-pool-executor, throughput = 1,"
                        + " thread-pool-executor { fixed-pool-size = " + concurrency + " } }")
                .withFallback(ConfigFactory.load()));
        materializer = Materializer.createMaterializer(system);
        pekkoBlocking = system.dispatchers().lookup("bench-blocking");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reactorElastic.dispose();
        reactorVirtual.dispose();
        virtualThreads.shutdownNow();
        platform64.shutdownNow();
        system.terminate();
    }

    @Benchmark
    public long d_tide_mapConcurrent() {
        return Flow.fromIterable(input).mapConcurrent(concurrency, ConcurrentMapBenchmark::sleepy).fold(0L, Long::sum);
    }

    @Benchmark
    public long d_tide_mapConcurrentUnordered() {
        return Flow.fromIterable(input).mapConcurrentUnordered(concurrency, ConcurrentMapBenchmark::sleepy)
                .fold(0L, Long::sum);
    }

    @Benchmark
    public long d_reactor_flatMapSequential_boundedElastic() {
        return Flux.fromIterable(input)
                .flatMapSequential(x -> Mono.fromCallable(() -> sleepy(x)).subscribeOn(reactorElastic), concurrency)
                .reduce(0L, Long::sum).block();
    }

    @Benchmark
    public long d_reactor_flatMapSequential_virtual() {
        return Flux.fromIterable(input)
                .flatMapSequential(x -> Mono.fromCallable(() -> sleepy(x)).subscribeOn(reactorVirtual), concurrency)
                .reduce(0L, Long::sum).block();
    }

    @Benchmark
    public long d_rxjava_concatMapEager_io() {
        return Flowable.fromIterable(input)
                .concatMapEager(x -> Flowable.fromCallable(() -> sleepy(x))
                        .subscribeOn(io.reactivex.rxjava3.schedulers.Schedulers.io()), concurrency, 1)
                .reduce(0L, Long::sum).blockingGet();
    }

    @Benchmark
    public long d_rxjava_concatMapEager_virtual() {
        return Flowable.fromIterable(input)
                .concatMapEager(x -> Flowable.fromCallable(() -> sleepy(x)).subscribeOn(rxVirtual), concurrency, 1)
                .reduce(0L, Long::sum).blockingGet();
    }

    @Benchmark
    public long d_mutiny_mergeUnordered_virtual() {
        return Multi.createFrom().iterable(input)
                .onItem().transformToUni(x -> Uni.createFrom().item(() -> sleepy(x)).runSubscriptionOn(virtualThreads))
                .merge(concurrency)
                .collect().with(java.util.stream.Collectors.summingLong(Long::longValue)).await().indefinitely();
    }

    @Benchmark
    public long d_pekko_mapAsync_blockingDispatcher() {
        return Source.from(input)
                .mapAsync(concurrency, x -> CompletableFuture.supplyAsync(() -> sleepy(x), pekkoBlocking))
                .runWith(Sink.fold(0L, Long::sum), materializer).toCompletableFuture().join();
    }

    @Benchmark
    public long d_reference_virtualThreadExecutor() throws Exception {
        return boundedOrdered(virtualThreads);
    }

    @Benchmark
    public long d_reference_platformPool64() throws Exception {
        return boundedOrdered(platform64);
    }

    /** Submits every item with at most `concurrency` in flight and sums the results in input order. */
    private long boundedOrdered(ExecutorService executor) throws Exception {
        Semaphore slots = new Semaphore(concurrency);
        List<Future<Long>> futures = new ArrayList<>(size);
        for (Long x : input) {
            slots.acquire();
            futures.add(executor.submit(() -> {
                try {
                    return sleepy(x);
                } finally {
                    slots.release();
                }
            }));
        }
        long sum = 0;
        for (Future<Long> future : futures) {
            sum += future.get();
        }
        return sum;
    }
}
