package dev.tide.bench;

import dev.tide.flow.Flow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * RS2's {@code parallel_processing_comprehensive} group, Tide's side: for each task and RS2's concurrency list,
 * the ordered concurrent map ({@code mapConcurrent}, virtual threads, RS2's {@code par_eval_map_rs2}), the
 * unordered one ({@code mapConcurrentUnordered}, RS2's {@code par_eval_map_unordered_rs2}) and the CPU map
 * on platform threads ({@code mapParallel(c)}, RS2's {@code map_parallel_with_concurrency_rs2}); every result
 * is mapped to 1 and collected, as in RS2. The sequential rows are {@link SequentialTasksBenchmark}.
 * RS2's heavy list also has c = ncpu, which is 2 here (the c = 2 row).
 * Run: {@code java -jar tide-bench/target/benchmarks.jar ParallelProcessingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ParallelProcessingBenchmark {

    /** task/concurrency, RS2's lists: light 2000 items c ∈ {2,4}; medium 500 {2,4,8}; heavy 100 {2,4,8}; io 200 {8,16,32,64}. */
    @Param({"light_cpu/2", "light_cpu/4", "medium_cpu/2", "medium_cpu/4", "medium_cpu/8", "heavy_cpu/2",
            "heavy_cpu/4", "heavy_cpu/8", "io_simulation/8", "io_simulation/16", "io_simulation/32",
            "io_simulation/64"})
    public String taskAndConcurrency;

    private List<Integer> input;
    private Function<Integer, Object> task;
    private int concurrency;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = taskAndConcurrency.split("/");
        task = Rs2Tasks.task(parts[0]);
        concurrency = Integer.parseInt(parts[1]);
        int size = Rs2Tasks.size(parts[0]);
        input = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            input.add(i);
        }
    }

    @Benchmark
    public List<Integer> parallel_ordered() {
        return Flow.fromIterable(input).mapConcurrent(concurrency, task).map(r -> 1).toList();
    }

    @Benchmark
    public List<Integer> parallel_unordered() {
        return Flow.fromIterable(input).mapConcurrentUnordered(concurrency, task).map(r -> 1).toList();
    }

    @Benchmark
    public List<Integer> mapParallel_ordered() {
        return Flow.fromIterable(input).mapParallel(concurrency, task).map(r -> 1).toList();
    }
}
