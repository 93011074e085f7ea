package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class VirtualSchedulerTest {

    @Test
    void theClockStartsAtZeroAndASleeperAloneMovesItAtOnce() throws InterruptedException {
        VirtualScheduler vs = Scheduler.virtual();
        assertThat(vs.nanoTime()).isZero();
        vs.sleep(Duration.ofHours(5));
        assertThat(vs.elapsed()).isEqualTo(Duration.ofHours(5));
        vs.sleep(Duration.ZERO);
        vs.sleepUntil(0);
        assertThat(vs.elapsed()).isEqualTo(Duration.ofHours(5));
    }

    @RepeatedTest(20)
    void participantsWakeInDeadlineOrderWhateverTheThreadScheduling() throws InterruptedException {
        VirtualScheduler vs = Scheduler.virtual();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Thread a;
        Thread b;
        // the test thread holds time still while it starts both (their start order does not matter)
        VirtualScheduler.Participation starting = vs.participate();
        try {
            b = sleeper(vs, log, "b", 20, 30, 40);
            a = sleeper(vs, log, "a", 10, 30, 50);
        } finally {
            starting.close();
        }
        a.join();
        b.join();
        // at 30 both wake: each logs before time moves on, in either order
        assertThat(log.subList(0, 2)).containsExactly("a@10", "b@20");
        assertThat(log.subList(2, 4)).containsExactlyInAnyOrder("a@30", "b@30");
        assertThat(log.subList(4, 6)).containsExactly("b@40", "a@50");
    }

    /** A participant thread (registered before it starts, until its body ends) that logs its wake-ups. */
    private static Thread sleeper(VirtualScheduler vs, List<String> log, String name, long... at) {
        return vs.startParticipant(() -> {
            try {
                for (long millis : at) {
                    vs.sleepUntil(millis * 1_000_000);
                    log.add(name + "@" + vs.elapsed().toMillis());
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aBusyParticipantHoldsTimeStill() throws InterruptedException {
        VirtualScheduler vs = Scheduler.virtual();
        Thread sleeper;
        VirtualScheduler.Participation self = vs.participate();
        try {
            sleeper = Thread.ofVirtual().start(() -> {
                try {
                    vs.sleep(Duration.ofSeconds(1));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            await().until(() -> sleeper.getState() == Thread.State.WAITING);
            assertThat(vs.elapsed()).isZero();
        } finally {
            self.close();
        }
        sleeper.join();
        assertThat(vs.elapsed()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void manualTimeMovesOnlyWhenAdvancedAndWakesDueSleepersInOrder() throws InterruptedException {
        VirtualScheduler vs = VirtualScheduler.manual();
        assertThat(vs.isAutoAdvancing()).isFalse();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Thread a = sleeper(vs, log, "a", 10, 30);
        Thread b = sleeper(vs, log, "b", 20);
        await().until(() -> a.getState() == Thread.State.WAITING && b.getState() == Thread.State.WAITING);
        assertThat(vs.elapsed()).isZero();
        vs.advanceBy(Duration.ofMillis(25));
        assertThat(vs.elapsed()).isEqualTo(Duration.ofMillis(25));
        assertThat(log).containsExactly("a@10", "b@20");
        vs.advanceBy(Duration.ofMillis(5));
        a.join();
        b.join();
        assertThat(log).containsExactly("a@10", "b@20", "a@30");
    }

    @Test
    void aSignalWaitEndsAtItsDeadlineOrWhenSignalled() throws InterruptedException {
        VirtualScheduler vs = Scheduler.virtual();
        ReentrantLock lock = new ReentrantLock();
        Clocks.Signal signal = Clocks.newSignal(vs, lock);
        lock.lock();
        try {
            signal.await(Duration.ofMillis(70).toNanos());
        } finally {
            lock.unlock();
        }
        assertThat(vs.elapsed()).isEqualTo(Duration.ofMillis(70));

        AtomicReference<Duration> wokenAt = new AtomicReference<>();
        Thread waiter;
        lock.lock();
        VirtualScheduler.Participation self = vs.participate();
        try {
            waiter = Thread.ofVirtual().start(() -> {
                lock.lock();
                try {
                    signal.await(Clocks.NO_DEADLINE);
                    wokenAt.set(vs.elapsed());
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                } finally {
                    lock.unlock();
                }
            });
            lock.unlock();
            await().until(() -> waiter.getState() == Thread.State.WAITING && !lock.isLocked());
            vs.sleep(Duration.ofMillis(30));
            lock.lock();
            signal.signalAll();
        } finally {
            lock.unlock();
            self.close();
        }
        waiter.join();
        assertThat(wokenAt.get()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void anInterruptedSleepThrowsAndLeavesTheClockAlone() throws InterruptedException {
        VirtualScheduler vs = Scheduler.virtual();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread sleeper;
        VirtualScheduler.Participation self = vs.participate();
        try {
            sleeper = Thread.ofVirtual().start(() -> {
                try {
                    vs.sleep(Duration.ofDays(1));
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            await().until(() -> sleeper.getState() == Thread.State.WAITING);
            sleeper.interrupt();
            sleeper.join();
        } finally {
            self.close();
        }
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(vs.elapsed()).isZero();
        vs.sleep(Duration.ofMillis(1));
        assertThat(vs.elapsed()).isEqualTo(Duration.ofMillis(1));
    }

    @RepeatedTest(50)
    void timeDoesNotMoveBetweenAnInterruptAndTheInterruptedThreadReactingToIt() throws InterruptedException {
        VirtualScheduler vs = Scheduler.virtual();
        AtomicReference<Duration> interruptedAt = new AtomicReference<>();
        Thread sleeper;
        VirtualScheduler.Participation self = vs.participate();
        try {
            sleeper = vs.startParticipant(() -> {
                try {
                    vs.sleep(Duration.ofDays(1));
                } catch (InterruptedException e) {
                    interruptedAt.set(vs.elapsed());
                }
            });
            await().until(() -> sleeper.getState() == Thread.State.WAITING);
            sleeper.interrupt();
            vs.sleep(Duration.ofMillis(10)); // every participant now waits: only the interrupt can act
        } finally {
            self.close();
        }
        sleeper.join();
        assertThat(interruptedAt.get()).isEqualTo(Duration.ZERO);
        assertThat(vs.elapsed()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void advanceByRejectsNegativeDurations() {
        VirtualScheduler vs = VirtualScheduler.manual();
        assertThatThrownBy(() -> vs.advanceBy(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.001");
    }

    @Test
    void theSystemSchedulerSleeps() throws InterruptedException {
        Scheduler system = Scheduler.system();
        long before = system.nanoTime();
        system.sleep(Duration.ofMillis(1));
        assertThat(system.nanoTime() - before).isGreaterThanOrEqualTo(1_000_000);
    }
}
