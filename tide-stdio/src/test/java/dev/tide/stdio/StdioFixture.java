package dev.tide.stdio;

import dev.tide.ConnectOptions;
import dev.tide.StreamException;
import dev.tide.Streamer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/** Injected streams and clock for one test, and the connections made on them (closed by {@link #close()}). */
final class StdioFixture implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofSeconds(10);

    final TestInput input = new TestInput();
    final TestOutput output = new TestOutput();
    final MutableClock clock = new MutableClock(Instant.parse("2024-05-06T07:08:09.500Z"));
    private final ByteArrayOutputStream errorBytes = new ByteArrayOutputStream();
    final PrintStream errors = new PrintStream(errorBytes, true, StandardCharsets.UTF_8);
    private final List<Streamer> streamers = new ArrayList<>();

    /** Options using this fixture's streams and clock. */
    ConnectOptions options() {
        return ConnectOptions.defaults()
                .with(StdioOptions.INPUT, input)
                .with(StdioOptions.OUTPUT, output)
                .with(StdioOptions.ERRORS, errors)
                .with(StdioOptions.CLOCK, clock);
    }

    Streamer connect() {
        return connect(o -> o);
    }

    Streamer connect(UnaryOperator<ConnectOptions> more) {
        return connect("stdio:///", more);
    }

    Streamer connect(String uri, UnaryOperator<ConnectOptions> more) {
        Streamer s = Streamer.connect(uri, more.apply(options()));
        streamers.add(s);
        return s;
    }

    Streamer loopback() {
        return connect(o -> o.with(StdioOptions.LOOPBACK, true));
    }

    /** The lines reported on the error stream. */
    List<String> errorLines() {
        String s = errorBytes.toString(StandardCharsets.UTF_8);
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
    }

    @Override
    public void close() {
        for (Streamer s : streamers) {
            s.close();
        }
        input.end();
    }

    /** Waits for a future, failing the test after {@link #PATIENCE}. */
    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StreamException se) {
                throw se;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + PATIENCE, e);
        }
    }

    /** The failure of a future that must fail. */
    static StreamException failure(CompletableFuture<?> f) {
        try {
            f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StreamException se) {
                return se;
            }
            throw new AssertionError("failed with something else", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the future succeeded: " + f.join());
    }
}
