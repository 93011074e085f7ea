package dev.tide.stdio;

import static dev.tide.stdio.StdioFixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Threads start when needed and end on close; closing wakes blocked readers; connections are checked. */
class StdioLifecycleTest {

    private static final StreamKey A = StreamKey.of("a");

    private final StdioFixture io = new StdioFixture();

    @AfterEach
    void close() {
        io.close();
    }

    @Test
    void connectingStartsNoThreadAndClosingEndsTheOnesStarted() {
        StdioStreamer s = (StdioStreamer) io.connect();
        assertThat(s.input().readerThread()).isEmpty();
        assertThat(s.output().writerThread()).isEmpty();
        Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime());
        StdioFixture.await(s.producer(A, ProducerOptions.defaults()).send("x"));
        Thread reader = s.input().readerThread().orElseThrow();
        Thread writer = s.output().writerThread().orElseThrow();
        assertThat(reader.getName()).startsWith("tide-stdio-reader-");
        assertThat(writer.getName()).startsWith("tide-stdio-writer-");
        assertThat(reader.isVirtual()).isTrue();
        s.close();
        // The writer is joined by close; the reader, blocked in a read, is interrupted and ends.
        assertThat(writer.isAlive()).isFalse();
        await().atMost(PATIENCE).until(() -> !reader.isAlive());
        assertThatThrownBy(c::next).isInstanceOfSatisfying(StreamException.class,
                e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CLOSED));
    }

    @Test
    void closingAConsumerWakesABlockedNextWithClosed() throws Exception {
        Consumer c = io.connect().consumer(List.of(A), ConsumerOptions.realTime());
        CompletableFuture<Message> blocked = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                blocked.complete(c.next());
            } catch (Throwable e) {
                blocked.completeExceptionally(e);
            }
        });
        await().atMost(PATIENCE).until(() -> t.getState() == Thread.State.WAITING);
        c.close();
        assertThat(StdioFixture.failure(blocked).kind()).isEqualTo(StreamException.Kind.CLOSED);
        t.join();
    }

    @Test
    void aBlockedNextIsInterruptible() throws Exception {
        Consumer c = io.connect().consumer(List.of(A), ConsumerOptions.realTime());
        CompletableFuture<Boolean> flagKept = new CompletableFuture<>();
        CompletableFuture<StreamException.Kind> kind = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                c.next();
            } catch (StreamException e) {
                kind.complete(e.kind());
                flagKept.complete(Thread.currentThread().isInterrupted());
            }
        });
        await().atMost(PATIENCE).until(() -> t.getState() == Thread.State.WAITING);
        t.interrupt();
        assertThat(StdioFixture.await(kind)).isEqualTo(StreamException.Kind.INTERRUPTED);
        assertThat(StdioFixture.await(flagKept)).isTrue();
    }

    @Test
    void aNewConnectionTakesOverAReaderStillBlockedInAnUninterruptibleRead() {
        UninterruptibleInput stdin = new UninterruptibleInput();
        Streamer first = io.connect(o -> o.with(StdioOptions.INPUT, stdin));
        first.consumer(List.of(A), ConsumerOptions.realTime());
        Thread reader = ((StdioStreamer) first).input().readerThread().orElseThrow();
        await().atMost(PATIENCE).until(stdin::hasReader);
        first.close();
        // Like System.in: the read does not end on interrupt, so the reader is still there.
        assertThat(reader.isAlive()).isTrue();

        StdioStreamer second = (StdioStreamer) io.connect(o -> o.with(StdioOptions.INPUT, stdin));
        Consumer c = second.consumer(List.of(A), ConsumerOptions.realTime());
        assertThat(second.input().readerThread()).contains(reader);
        stdin.feed("[a] not lost\n");
        assertThat(c.poll(PATIENCE).map(Message::asString)).contains("not lost");
        second.close();
        stdin.feed("[a] wakes the reader so it can stop\n");
        await().atMost(PATIENCE).until(() -> !reader.isAlive());
    }

    @Test
    void aConnectionMayNameNoNode() {
        assertThatThrownBy(() -> io.connect("stdio://somehost/a", o -> o))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_URI));
    }

    @Test
    void unknownAndInvalidOptionsAreRejected() {
        assertThatThrownBy(() -> io.connect(o -> o.with("stdio.loopbak", "true")))
                .isInstanceOfSatisfying(StreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION);
                    assertThat(e).hasMessageContaining("stdio.loopbak").hasMessageContaining("stdio.loopback");
                });
        assertThatThrownBy(() -> io.connect(o -> o.with(StdioOptions.MAX_LINE_BYTES, 0)))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION));
        assertThatThrownBy(() -> io.connect(o -> o.with("stdio.input", "/dev/null")))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION));
        // Options of other backends are left to them.
        io.connect(o -> o.with("redis.password", "x")).close();
    }

    @Test
    void theBackendIsFoundByItsScheme() {
        assertThat(Streamer.schemes()).contains("stdio");
        try (Streamer s = Streamer.connect("stdio:///a", io.options())) {
            assertThat(s).isInstanceOf(StdioStreamer.class);
            assertThat(s.url().keys()).containsExactly(A);
        }
    }

    @Test
    void theDefaultsAreTheProcessStreamsAsTheyAreWhenConnecting() {
        assertThat(StdioOptions.input(dev.tide.ConnectOptions.defaults())).isSameAs(System.in);
        assertThat(StdioOptions.output(dev.tide.ConnectOptions.defaults())).isSameAs(System.out);
        assertThat(StdioOptions.errors(dev.tide.ConnectOptions.defaults())).isSameAs(System.err);
        assertThat(StdioOptions.input(io.options())).isSameAs(io.input);
    }

    /** Like a file descriptor read: ignores interrupts, returns only when bytes are fed. */
    private static final class UninterruptibleInput extends InputStream {
        private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        private final ReentrantLock lock = new ReentrantLock();
        private volatile boolean reading;

        void feed(String text) {
            chunks.add(text.getBytes(StandardCharsets.UTF_8));
        }

        boolean hasReader() {
            return reading;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("read(byte[], int, int) only");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            lock.lock();
            try {
                reading = true;
                while (true) {
                    try {
                        byte[] next = chunks.take();
                        System.arraycopy(next, 0, b, off, next.length);
                        return next.length;
                    } catch (InterruptedException e) {
                        // ignored, as a blocking read of a file descriptor would
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
