package dev.tide.stdio;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/*
 * A stdio connection: a reference to the hub of its input stream (consumers) and to the hub of its output
 * stream (producers), taken at connect and released at close. It creates no thread itself: the input
 * hub's reader starts with the first consumer, the output hub's writer with the first send.
 *
 * Closing: consumers are closed (blocked reads fail with CLOSED), everything sent is printed and flushed,
 * producers refuse further sends (CLOSED), then the hubs are released; releasing the last reference to an
 * output joins its writer, releasing the last reference to an input stops its reader.
 */
final class StdioStreamer implements Streamer {

    private final StreamUrl url;
    private final InputHub input;
    private final OutputHub output;
    private final boolean loopback;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<StdioProducer> producers = ConcurrentHashMap.newKeySet();
    private final Set<StdioConsumer> consumers = ConcurrentHashMap.newKeySet();

    private StdioStreamer(StreamUrl url, InputHub input, OutputHub output, boolean loopback, Clock clock) {
        this.url = url;
        this.input = input;
        this.output = output;
        this.loopback = loopback;
        this.clock = clock;
    }

    /** Connects: checks the URL and options and takes the hubs; starts no thread. */
    static StdioStreamer connect(StreamUrl url, ConnectOptions options) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(options, "options");
        if (!url.streamer().isLocal()) {
            throw new StreamException(StreamException.Kind.INVALID_URI, "stdio reads standard input and writes standard "
                    + "output: it takes no node, as in stdio:///key (got " + url + ")");
        }
        StdioOptions.check(options);
        int maxLine = options.get(StdioOptions.MAX_LINE_BYTES);
        if (maxLine < 1) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION,
                    StdioOptions.MAX_LINE_BYTES.name() + " must be positive: " + maxLine);
        }
        boolean loopback = options.get(StdioOptions.LOOPBACK);
        Clock clock = options.get(StdioOptions.CLOCK);
        InputHub.Settings settings = new InputHub.Settings(options.get(StdioOptions.STRICT), StdioOptions.errors(options),
                clock, maxLine);
        InputHub input = Hubs.acquireInput(StdioOptions.input(options), settings);
        OutputHub output;
        try {
            output = Hubs.acquireOutput(StdioOptions.output(options));
        } catch (RuntimeException e) {
            Hubs.releaseInput(input);
            throw e;
        }
        return new StdioStreamer(url, input, output, loopback, clock);
    }

    @Override
    public StreamUrl url() {
        return url;
    }

    @Override
    public Producer producer(ProducerOptions options) {
        return newProducer(Optional.empty(), options);
    }

    @Override
    public Producer producer(StreamKey key, ProducerOptions options) {
        return newProducer(Optional.of(Objects.requireNonNull(key, "key")), options);
    }

    private Producer newProducer(Optional<StreamKey> anchor, ProducerOptions options) {
        StdioOptions.check(options);
        if (anchor.isPresent() && anchor.get().isInternal()) {
            throw new StreamException(StreamException.Kind.INVALID_STREAM_KEY,
                    "the stream key " + StreamKey.INTERNAL + " is reserved for backend-internal messages");
        }
        checkOpen();
        StdioProducer p = new StdioProducer(this, anchor);
        producers.add(p);
        if (closed.get()) {
            p.markClosed();
            producers.remove(p);
            throw closedException();
        }
        return p;
    }

    @Override
    public Consumer consumer(Collection<StreamKey> keys, ConsumerOptions options) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(options, "options");
        StdioOptions.check(options);
        if (keys.isEmpty()) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY, "a stdio consumer needs at least one stream key");
        }
        if (options.mode() == ConsumerMode.RESUMABLE) {
            throw new StreamException(StreamException.Kind.UNSUPPORTED,
                    "stdio does not support RESUMABLE consumers: standard input cannot be read again after a restart");
        }
        ConsumerOptions checked = options.checked();
        checkOpen();
        List<StreamKey> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(keys));
        StdioConsumer c = new StdioConsumer(this, input, distinct, checked.mode(), checked.group());
        consumers.add(c);
        if (closed.get()) {
            c.close();
            throw closedException();
        }
        input.register(c);
        return c;
    }

    InputHub input() {
        return input;
    }

    OutputHub output() {
        return output;
    }

    /** Prints a message (payload already checked) through the output hub. */
    CompletableFuture<Receipt> print(StreamKey key, byte[] payload) {
        checkOpen();
        return output.send(key, payload, clock, loopback ? input : null);
    }

    /** Blocks until everything sent on this output so far is printed and flushed. */
    void flushOutput() {
        output.flush();
    }

    void forget(StdioProducer p) {
        producers.remove(p);
    }

    void forget(StdioConsumer c) {
        consumers.remove(c);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (StdioConsumer c : List.copyOf(consumers)) {
            c.close();
        }
        try {
            output.flush();
        } finally {
            for (StdioProducer p : List.copyOf(producers)) {
                p.markClosed();
            }
            producers.clear();
            Thread writer = Hubs.releaseOutput(output);
            Hubs.releaseInput(input);
            if (writer != null) {
                joinUninterruptibly(writer);
            }
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw closedException();
        }
    }

    private StreamException closedException() {
        return new StreamException(StreamException.Kind.CLOSED, "this stdio connection (" + url + ") is closed");
    }

    @Override
    public String toString() {
        return "StdioStreamer[" + url + (loopback ? ", loopback" : "") + "]";
    }
}
