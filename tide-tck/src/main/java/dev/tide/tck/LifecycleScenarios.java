package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.Receipt;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/* Flush, close and concurrency: what every backend does, whatever its capabilities. */
abstract class LifecycleScenarios extends Scenarios {

    LifecycleScenarios(AbstractStreamerConformanceTest suite) {
        super(suite);
    }

    @Test
    @DisplayName("flush returns once every earlier send is stored; close flushes")
    void flushAndClose() {
        StreamKey key = newStreamKey("flush");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        Producer producer = streamer().producer(key, producerOptions());
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(producer.send("m" + i));
        }
        producer.flush();
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());

        List<CompletableFuture<Receipt>> more = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            more.add(producer.send("n" + i));
        }
        producer.close();
        assertThat(more).allSatisfy(f -> assertThat(f).isCompleted());
        producer.close();

        assertKind(StreamException.Kind.CLOSED, () -> producer.send("late"));
        List<String> expected = new ArrayList<>(payloads("m", 100));
        expected.addAll(payloads("n", 10));
        assertThat(texts(receive(consumer, 110))).isEqualTo(expected);
    }

    @Test
    @DisplayName("closing a consumer wakes a blocked next() with CLOSED; later reads fail with CLOSED")
    void closeWakesBlockedReader() throws Exception {
        StreamKey key = newStreamKey("close");
        createStream(key, 1);
        Consumer consumer = consumer(ConsumerOptions.realTime(), key);
        assertThat(consumer.poll(Duration.ZERO)).as("poll(0) with nothing sent").isEmpty();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().name("tck-reader").start(() -> {
            try {
                consumer.next();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        Awaitility.await("the reader to block").atMost(patience())
                .until(() -> reader.getState() == Thread.State.WAITING || reader.getState() == Thread.State.TIMED_WAITING);

        consumer.close();

        assertThat(await(outcome)).isInstanceOfSatisfying(StreamException.class,
                e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CLOSED));
        reader.join(patience().toMillis());
        assertKind(StreamException.Kind.CLOSED, consumer::next);
        assertKind(StreamException.Kind.CLOSED, () -> consumer.poll(Duration.ZERO));
        consumer.close();
    }

    @Test
    @DisplayName("closing the streamer closes its consumers and producers")
    void closingStreamerClosesEverything() {
        StreamKey key = newStreamKey("close-all");
        createStream(key, 1);
        Streamer own = track(connect());
        Consumer consumer = own.consumer(List.of(key), consumerOptions(ConsumerOptions.realTime()));
        awaitReady(consumer);
        Producer producer = own.producer(key, producerOptions());
        CompletableFuture<Receipt> sent = producer.send("last");

        own.close();

        assertThat(sent).isCompleted();
        assertKind(StreamException.Kind.CLOSED, () -> producer.send("late"));
        assertKind(StreamException.Kind.CLOSED, consumer::next);
        own.close();
    }

    @Test
    @DisplayName("many producers on many threads: every message arrives once, each producer's in order")
    void manyProducersManyThreads() throws Exception {
        StreamKey key = newStreamKey("threads");
        createStream(key, 1);
        Consumer first = consumer(ConsumerOptions.realTime(), key);
        Consumer second = consumer(ConsumerOptions.realTime(), key);
        int producers = 4;
        int each = 100;
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Producer producer = producer(key);
            String prefix = "p" + p + "-";
            CompletableFuture<Void> finished = new CompletableFuture<>();
            done.add(finished);
            threads.add(Thread.ofVirtual().name("tck-producer-" + p).start(() -> {
                try {
                    List<CompletableFuture<Receipt>> fs = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        fs.add(producer.send(prefix + i));
                    }
                    CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
                    finished.complete(null);
                } catch (Throwable t) {
                    finished.completeExceptionally(t);
                }
            }));
        }
        List<List<Message>> received = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        List<CompletableFuture<Void>> read = new ArrayList<>();
        for (Consumer c : List.of(first, second)) {
            List<Message> sink = Collections.synchronizedList(new ArrayList<>());
            received.add(sink);
            CompletableFuture<Void> finished = new CompletableFuture<>();
            read.add(finished);
            readers.add(Thread.ofVirtual().name("tck-consumer").start(() -> {
                try {
                    sink.addAll(receive(c, producers * each));
                    finished.complete(null);
                } catch (Throwable t) {
                    finished.completeExceptionally(t);
                }
            }));
        }
        done.forEach(this::await);
        read.forEach(this::await);
        for (Thread t : threads) {
            t.join(patience().toMillis());
        }
        for (Thread t : readers) {
            t.join(patience().toMillis());
        }

        for (List<Message> got : received) {
            List<String> textsGot = texts(got);
            assertThat(textsGot).doesNotHaveDuplicates().hasSize(producers * each);
            for (int p = 0; p < producers; p++) {
                String prefix = "p" + p + "-";
                assertThat(textsGot.stream().filter(t -> t.startsWith(prefix))).containsExactlyElementsOf(payloads(prefix, each));
            }
            assertOrderedPerShard(got);
        }
    }
}
