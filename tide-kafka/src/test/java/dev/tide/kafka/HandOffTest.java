package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.StreamException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The consumer's hand-off between its thread and the takers, without a broker. */
class HandOffTest {

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return List.copyOf(out);
    }

    private static Integer now(HandOff<Integer> h) {
        return h.take(System.nanoTime(), false);
    }

    @Test
    void oneTakerGetsEveryRecordInOrderAcrossBatches() {
        HandOff<Integer> h = new HandOff<>();
        assertThat(now(h)).isNull();
        h.add(range(0, 3));
        h.add(List.of());
        h.add(range(3, 5));
        assertThat(h.size()).isEqualTo(5);
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            got.add(h.take(0, true));
        }
        assertThat(got).isEqualTo(range(0, 5));
        assertThat(h.size()).isZero();
        assertThat(now(h)).isNull();
        h.add(range(5, 6));
        assertThat(now(h)).isEqualTo(5);
    }

    @Test
    void concurrentTakersGetEachRecordExactlyOnce() throws Exception {
        HandOff<Integer> h = new HandOff<>();
        int total = 200_000;
        int takers = 4;
        ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(takers);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < takers; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    while (true) {
                        got.add(h.take(0, true));
                    }
                } catch (StreamException e) {
                    done.countDown();
                }
            }));
        }
        for (int from = 0; from < total; from += 500) {
            h.add(range(from, from + 500));
        }
        // Ends after the buffered records: every taker stops once all are taken.
        h.end(new StreamException(StreamException.Kind.CONNECT, "gone"), false);
        done.await();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(got).hasSize(total);
        assertThat(new HashSet<>(got)).hasSize(total);
    }

    @Test
    void removeIfDropsExactlyTheUntakenMatches() {
        HandOff<Integer> h = new HandOff<>();
        h.add(range(0, 10));
        h.add(range(10, 20));
        assertThat(now(h)).isZero();
        assertThat(now(h)).isEqualTo(1);
        h.removeIf(i -> i % 2 == 0);
        assertThat(h.size()).isEqualTo(9);
        List<Integer> got = new ArrayList<>();
        Integer i;
        while ((i = now(h)) != null) {
            got.add(i);
        }
        assertThat(got).containsExactly(3, 5, 7, 9, 11, 13, 15, 17, 19);
        h.add(range(20, 22));
        h.removeIf(x -> true);
        assertThat(h.size()).isZero();
        assertThat(now(h)).isNull();
    }

    @Test
    void removeIfWhileTakersTakeNeverReturnsARemovedRecordAfterwards() throws Exception {
        for (int round = 0; round < 20; round++) {
            HandOff<Integer> h = new HandOff<>();
            for (int from = 0; from < 20_000; from += 500) {
                h.add(range(from, from + 500));
            }
            Set<Integer> beforeRemoval = java.util.concurrent.ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<Integer> afterRemoval = new ConcurrentLinkedQueue<>();
            java.util.concurrent.atomic.AtomicBoolean removed = new java.util.concurrent.atomic.AtomicBoolean();
            CountDownLatch started = new CountDownLatch(2);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    started.countDown();
                    try {
                        while (true) {
                            boolean after = removed.get();
                            Integer x = h.take(0, true);
                            (after ? afterRemoval : beforeRemoval).add(x);
                        }
                    } catch (StreamException e) {
                        // ended
                    }
                }));
            }
            started.await();
            h.removeIf(x -> x % 3 == 0);
            removed.set(true);
            h.end(new StreamException(StreamException.Kind.CONNECT, "gone"), false);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(afterRemoval).as("taken after removeIf returned").noneMatch(x -> x % 3 == 0);
            List<Integer> all = new ArrayList<>(beforeRemoval);
            all.addAll(afterRemoval);
            assertThat(new HashSet<>(all)).as("no record twice").hasSize(all.size());
            Set<Integer> keptButNotTaken = new HashSet<>();
            for (int x = 0; x < 20_000; x++) {
                if (x % 3 != 0) {
                    keptButNotTaken.add(x);
                }
            }
            keptButNotTaken.removeAll(all);
            assertThat(keptButNotTaken).as("kept records nobody took").isEmpty();
        }
    }

    @Test
    void closingFailsTakersAtOnceAndAFailureComesAfterTheRecords() {
        HandOff<Integer> closed = new HandOff<>();
        closed.add(range(0, 3));
        closed.end(new StreamException(StreamException.Kind.CLOSED, "closed"), true);
        assertThat(closed.size()).isZero();
        assertThatThrownBy(() -> closed.take(0, true)).isInstanceOfSatisfying(StreamException.class,
                e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CLOSED));
        closed.add(range(3, 4));
        assertThatThrownBy(() -> now(closed)).isInstanceOf(StreamException.class);

        HandOff<Integer> failed = new HandOff<>();
        failed.add(range(0, 2));
        failed.end(new StreamException(StreamException.Kind.CONNECT, "gone"), false);
        failed.end(new StreamException(StreamException.Kind.CLOSED, "closed"), true);
        assertThat(now(failed)).isZero();
        assertThat(now(failed)).isEqualTo(1);
        assertThatThrownBy(() -> now(failed)).isInstanceOfSatisfying(StreamException.class,
                e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CONNECT));
    }

    /** A fetcher that adds the next batch of {@code size} numbers each time it fetches, and records its threads. */
    private static final class Counting implements HandOff.Fetcher {
        final HandOff<Integer> h;
        final int size;
        volatile boolean may = true;
        final ConcurrentLinkedQueue<Thread> fetchedOn = new ConcurrentLinkedQueue<>();
        final java.util.concurrent.atomic.AtomicInteger released = new java.util.concurrent.atomic.AtomicInteger();
        private int next;

        Counting(HandOff<Integer> h, int size) {
            this.h = h;
            this.size = size;
        }

        @Override
        public boolean mayFetch() {
            return may;
        }

        @Override
        public void fetch(long timeoutNanos) {
            assertThat(timeoutNanos).isPositive();
            fetchedOn.add(Thread.currentThread());
            h.add(range(next, next + size));
            next += size;
        }

        @Override
        public void released() {
            released.incrementAndGet();
        }
    }

    @Test
    void aTakerFetchesItselfWhenNothingIsBufferedAndTheTokenIsFree() {
        HandOff<Integer> h = new HandOff<>();
        Counting fetcher = new Counting(h, 3);
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            got.add(h.take(0, true, fetcher));
        }
        assertThat(got).isEqualTo(range(0, 7));
        assertThat(fetcher.fetchedOn).hasSize(3).containsOnly(Thread.currentThread());
        assertThat(fetcher.released).hasValue(3);
        assertThat(h.fetching()).isFalse();
        assertThat(h.tryFetch()).as("the token was given back").isTrue();
        h.release();

        fetcher.may = false;
        assertThat(h.take(System.nanoTime(), false, fetcher)).isEqualTo(7);
        assertThat(h.take(System.nanoTime() + 1_000_000, false, fetcher)).isEqualTo(8);
        assertThat(h.take(System.nanoTime() + 1_000_000, false, fetcher)).as("not allowed to fetch: waits, as without a fetcher").isNull();
        assertThat(fetcher.fetchedOn).hasSize(3);
    }

    @Test
    void aTakerWaitsWhileTheTokenIsHeldForRecordsOrTheToken() throws Exception {
        HandOff<Integer> h = new HandOff<>();
        Counting fetcher = new Counting(h, 2);
        assertThat(h.tryFetch()).isTrue();
        assertThat(h.tryFetch()).as("one holder at a time").isFalse();
        ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
        Thread taker = Thread.ofPlatform().start(() -> {
            got.add(h.take(0, true, fetcher));
            got.add(h.take(0, true, fetcher));
            got.add(h.take(0, true, fetcher));
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> h.tokenWanted(0));
        h.add(range(100, 102));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(fetcher.fetchedOn).as("the holder's records, not fetched by the taker").isEmpty();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> h.tokenWanted(0));
        h.release();
        taker.join(Duration.ofSeconds(10));
        assertThat(taker.isAlive()).isFalse();
        assertThat(got).containsExactly(100, 101, 0);
        assertThat(fetcher.fetchedOn).containsExactly(taker);
        assertThat(h.tokenWanted(0)).isFalse();
        h.awaitFetch();
        assertThat(h.fetching()).isTrue();
    }

    @Test
    void closingFailsATakerWaitingForTheToken() throws Exception {
        HandOff<Integer> h = new HandOff<>();
        Counting fetcher = new Counting(h, 1);
        assertThat(h.tryFetch()).isTrue();
        java.util.concurrent.CompletableFuture<Throwable> failure = new java.util.concurrent.CompletableFuture<>();
        Thread taker = Thread.ofPlatform().start(() -> {
            try {
                h.take(0, true, fetcher);
                failure.complete(null);
            } catch (StreamException e) {
                failure.complete(e);
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> h.tokenWanted(0));
        h.end(new StreamException(StreamException.Kind.CLOSED, "closed"), true);
        assertThat(failure.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOfSatisfying(StreamException.class,
                e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CLOSED));
        taker.join(Duration.ofSeconds(10));
        assertThat(fetcher.fetchedOn).isEmpty();
    }
}
