package dev.tide.bench;

import dev.tide.flow.Flow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sequential rows of RS2's {@code parallel_processing_comprehensive} ({@code {task}_sequential}): the task
 * in a plain {@code map}, then mapped to 1 and collected. Also {@code mapParallel()} with the default
 * parallelism (one platform thread per core, RS2's {@code map_parallel_rs2}), and two references for what the
 * machine allows: a parallel stream, and a fixed pool of one platform thread per core created once (ordered
 * futures). mapParallel starts its threads for each collection; the pool does not.
 * Run: {@code java -jar tide-bench/target/benchmarks.jar SequentialTasksBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SequentialTasksBenchmark {

    @Param({"light_cpu", "medium_cpu", "heavy_cpu", "io_simulation"})
    public String taskName;

    private List<Integer> input;
    private Function<Integer, Object> task;
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void setUp() {
        task = Rs2Tasks.task(taskName);
        int size = Rs2Tasks.size(taskName);
        input = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            input.add(i);
        }
        pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    @Benchmark
    public List<Integer> sequential() {
        return Flow.fromIterable(input).map(task).map(r -> 1).toList();
    }

    @Benchmark
    public List<Integer> mapParallel_allCores() {
        return Flow.fromIterable(input).mapParallel(task).map(r -> 1).toList();
    }

    @Benchmark
    public List<Integer> reference_parallelStream() {
        return input.parallelStream().map(task).map(r -> 1).toList();
    }

    @Benchmark
    public List<Integer> reference_fixedPool_allCores() throws Exception {
        List<Future<Object>> futures = new ArrayList<>(input.size());
        for (Integer x : input) {
            futures.add(pool.submit(() -> task.apply(x)));
        }
        List<Integer> out = new ArrayList<>(futures.size());
        for (Future<Object> future : futures) {
            future.get();
            out.add(1);
        }
        return out;
    }
}
