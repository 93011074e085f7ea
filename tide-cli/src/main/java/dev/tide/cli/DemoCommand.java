package dev.tide.cli;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import dev.tide.StreamUrl;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/*
 * `tide demo`: everything in one process, on the embedded mem backend. A clock thread sends
 * { "tick": N } to mem:///ticks at a fixed rate for --duration; on the calling thread a flow over a
 * consumer of that stream (real-time, created before the clock starts, so it sees this run's ticks only)
 * parses each tick, keeps the even ones and prints a running total, and stops
 * (take) after the last even tick the clock will send, so the demo ends by itself: the clock thread is
 * then joined and the streamer closed.
 */
@Command(name = "demo",
        description = {"Runs a clock into the in-memory backend and a flow that prints a running total.",
            "The clock sends { \"tick\": N } to mem:///ticks; the flow parses each tick, keeps the even ones",
            "and prints their running total; the demo ends by itself after --duration."})
final class DemoCommand implements Callable<Integer> {

    static final String STREAM = "mem:///ticks";

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "3s", converter = Converters.DurationConverter.class,
            description = "How long the clock runs (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--interval", paramLabel = "D", defaultValue = "100ms", converter = Converters.DurationConverter.class,
            description = "Time between ticks (default: ${DEFAULT-VALUE}).")
    Duration interval;

    private final CliContext ctx;

    DemoCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (interval.isZero() || interval.compareTo(duration) > 0) {
            throw new ParameterException(spec.commandLine(), "--interval must be positive and at most --duration");
        }
        long ticks = duration.toNanos() / interval.toNanos();
        long evens = (ticks + 1) / 2;
        StreamUrl url = StreamUrl.parse(STREAM);
        LineOutput out = new LineOutput(ctx.out());
        out.line("demo: a clock sends { \"tick\": N } to " + STREAM + " every " + text(interval) + " for "
                + text(duration) + "; a flow keeps the even ticks and adds them up");
        out.flush();
        AtomicReference<Throwable> clockFailure = new AtomicReference<>();
        long[] total = {0};
        try (Connections connections = new Connections(ctx, ConnectOptions.defaults());
                Consumer consumer = connections.connect(url).consumer(url.keys(), ConsumerOptions.realTime());
                Producer producer = connections.connect(url).producer(url.key(), ProducerOptions.defaults())) {
            Thread clock = CliThreads.start(() -> runClock(producer, ticks, consumer, clockFailure));
            boolean done = false;
            try {
                consumer.flow()
                        .map(Message::asString)
                        .map(Ticks::parse)
                        .filter(tick -> tick % 2 == 0)
                        .take(evens)
                        .forEach(tick -> {
                            total[0] += tick;
                            out.line(String.format(Locale.ROOT, "tick %3d  running total of even ticks %6d", tick, total[0]));
                            out.flush();
                        });
                done = true;
            } catch (StreamException e) {
                Throwable cause = clockFailure.get();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            } finally {
                if (done) {
                    try {
                        clock.join(); // at most one interval: the clock's last tick may be odd
                    } catch (InterruptedException e) {
                        CliThreads.stop(clock);
                        throw e;
                    }
                } else {
                    CliThreads.stop(clock);
                }
            }
            Throwable cause = clockFailure.get();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
        }
        out.line("demo: " + ticks + " ticks sent, " + evens + " even ticks, total " + total[0]);
        out.flush();
        return 0;
    }

    /** The clock thread: sends the ticks; on a failure, records it and closes the consumer to wake the flow. */
    private void runClock(Producer producer, long ticks, Consumer consumer, AtomicReference<Throwable> failure) {
        try {
            SendTracker tracker = new SendTracker();
            Ticks.send(producer, interval, ticks, ctx.pacer(), tracker, n -> { });
            producer.flush();
            tracker.check();
        } catch (InterruptedException e) {
            failure.compareAndSet(null, new StreamException(StreamException.Kind.INTERRUPTED, "the clock was interrupted", e));
            consumer.close();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            consumer.close();
        }
    }

    private static String text(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
