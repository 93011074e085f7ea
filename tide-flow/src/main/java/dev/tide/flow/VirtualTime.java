package dev.tide.flow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/*
 * The virtual scheduler.
 *
 * State (guarded by `lock`):
 *   now           the clock (also volatile, so nanoTime() reads it without the lock)
 *   timers        waiters with a deadline, ordered by (deadline, arrival)
 *   participants  registered threads: depth (nested registrations) and whether the thread is waiting
 *   busy          how many threads may still act at the current instant: registered participants that
 *                 are not waiting, plus threads woken by the scheduler that have not returned from their
 *                 wait yet (a woken non-participant counts until it returns, so that a wake-up and what
 *                 the woken thread does first happen before the clock moves again)
 *
 * Invariant: the clock moves only while busy == 0 (auto-advance) or in advanceBy after busy dropped to
 * the caller's own share; a move wakes exactly the waiters due at the new time, which makes busy > 0
 * again until they wait once more.
 *
 * Waiting: a waiter registers under `lock` (beginWait), parks until its `woken` flag is set (by a timer
 * or a Signal), then deregisters (endWait). An interrupt is the one wake-up the scheduler does not make:
 * the clock never advances while a waiting thread has its interrupt flag set, and an interrupted waiter
 * ends its wait (becomes busy) before its flag is cleared, even transiently, so time cannot move between
 * the interrupt and the moment the interrupted thread reacts to it. Wake-ups only set the flag and unpark: the scheduler never
 * takes an operator's lock, so the lock order is always "operator lock, then scheduler lock".
 */
final class VirtualTime implements VirtualScheduler {

    private static final Comparator<Waiter> ORDER =
            Comparator.comparingLong((Waiter w) -> w.deadline).thenComparingLong(w -> w.sequence);

    private final boolean auto;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition quiet = lock.newCondition();
    private final TreeSet<Waiter> timers = new TreeSet<>(ORDER);
    private final Set<Waiter> waiting = new HashSet<>();
    private final Map<Thread, Participant> participants = new HashMap<>();
    private volatile long now;
    private long sequence;
    private int busy;

    VirtualTime(boolean auto) {
        this.auto = auto;
    }

    private static final class Participant {
        int depth;
        boolean waiting;
    }

    private static final class Waiter {
        final Thread thread;
        final long deadline;
        final long sequence;
        final Participant participant;
        volatile boolean woken;
        boolean holdsBusy;

        Waiter(Thread thread, long deadline, long sequence, Participant participant) {
            this.thread = thread;
            this.deadline = deadline;
            this.sequence = sequence;
            this.participant = participant;
        }
    }

    // ------------------------------------------------------------------ public API

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Duration elapsed() {
        return Duration.ofNanos(now);
    }

    @Override
    public boolean isAutoAdvancing() {
        return auto;
    }

    @Override
    public void sleepUntil(long deadlineNanos) throws InterruptedException {
        Waiter waiter;
        lock.lock();
        try {
            waiter = beginWait(deadlineNanos);
        } finally {
            lock.unlock();
        }
        try {
            park(waiter);
        } finally {
            lock.lock();
            try {
                endWait(waiter);
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void advanceBy(Duration duration) {
        Clocks.checkDuration(duration, "advanceBy duration", true);
        lock.lock();
        try {
            long target = Clocks.plus(now, Clocks.nanos(duration));
            while (true) {
                awaitQuiet();
                if (timers.isEmpty() || timers.first().deadline - target > 0) {
                    break;
                }
                moveTo(timers.first().deadline);
                wakeDue();
            }
            moveTo(target);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Participation participate() {
        return register(Thread.currentThread());
    }

    @Override
    public Thread startParticipant(Runnable body) {
        java.util.Objects.requireNonNull(body, "body");
        Clocks.Participation[] registration = new Clocks.Participation[1];
        Thread thread = FlowThreads.newThread("participant", () -> {
            try {
                body.run();
            } finally {
                registration[0].close();
            }
        });
        registration[0] = register(thread);
        thread.start();
        return thread;
    }

    @Override
    public String toString() {
        return "VirtualScheduler[" + (auto ? "auto-advancing" : "manual") + ", at " + elapsed() + "]";
    }

    // ------------------------------------------------------------------ participants and signals

    Clocks.Participation register(Thread thread) {
        Participant participant;
        lock.lock();
        try {
            participant = participants.get(thread);
            if (participant == null) {
                participant = new Participant();
                participants.put(thread, participant);
                busy++;
            }
            participant.depth++;
        } finally {
            lock.unlock();
        }
        Participant registered = participant;
        return new Clocks.Participation() {
            private boolean closed;

            @Override
            public void close() {
                lock.lock();
                try {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    if (--registered.depth == 0) {
                        participants.remove(thread);
                        if (!registered.waiting) {
                            busy--;
                        }
                    }
                    afterChange();
                } finally {
                    lock.unlock();
                }
            }
        };
    }

    Clocks.Signal newSignal(ReentrantLock operatorLock) {
        return new VirtualSignal(operatorLock);
    }

    /** A condition of an operator's lock whose waits are known to this scheduler. */
    private final class VirtualSignal implements Clocks.Signal {

        private final ReentrantLock operatorLock;
        private final List<Waiter> waiters = new ArrayList<>();

        VirtualSignal(ReentrantLock operatorLock) {
            this.operatorLock = operatorLock;
        }

        @Override
        public void await(long deadline) throws InterruptedException {
            Waiter waiter;
            lock.lock();
            try {
                waiter = beginWait(deadline);
                if (waiter.woken) {
                    endWait(waiter);
                    return;
                }
            } finally {
                lock.unlock();
            }
            waiters.add(waiter);
            operatorLock.unlock();
            try {
                park(waiter);
            } finally {
                operatorLock.lock();
                waiters.remove(waiter);
                lock.lock();
                try {
                    endWait(waiter);
                } finally {
                    lock.unlock();
                }
            }
        }

        @Override
        public void signalAll() {
            if (waiters.isEmpty()) {
                return;
            }
            lock.lock();
            try {
                for (Waiter waiter : waiters) {
                    wake(waiter);
                }
            } finally {
                lock.unlock();
            }
            waiters.clear();
        }
    }

    // ------------------------------------------------------------------ bookkeeping (lock held)

    private Waiter beginWait(long deadline) {
        Thread self = Thread.currentThread();
        Participant participant = participants.get(self);
        Waiter waiter = new Waiter(self, deadline, sequence++, participant);
        if (Clocks.reached(now, deadline)) {
            waiter.woken = true;
            return waiter;
        }
        if (participant != null) {
            participant.waiting = true;
            busy--;
        }
        if (deadline != Clocks.NO_DEADLINE) {
            timers.add(waiter);
        }
        waiting.add(waiter);
        afterChange();
        return waiter;
    }

    private void endWait(Waiter waiter) {
        if (!waiter.woken) {
            // the wait ended without a wake-up (interrupted): the thread runs again
            waiter.woken = true;
            timers.remove(waiter);
            waiting.remove(waiter);
            if (waiter.participant != null) {
                waiter.participant.waiting = false;
                busy++;
            }
        } else if (waiter.holdsBusy) {
            waiter.holdsBusy = false;
            busy--;
        }
        afterChange();
    }

    private void wake(Waiter waiter) {
        if (waiter.woken) {
            return;
        }
        timers.remove(waiter);
        waiting.remove(waiter);
        if (waiter.participant != null && participants.get(waiter.thread) == waiter.participant) {
            waiter.participant.waiting = false;
        } else {
            waiter.holdsBusy = true;
        }
        busy++;
        waiter.woken = true;
        LockSupport.unpark(waiter.thread);
    }

    private void wakeDue() {
        while (!timers.isEmpty() && Clocks.reached(now, timers.first().deadline)) {
            wake(timers.first());
        }
    }

    private void moveTo(long time) {
        if (time - now > 0) {
            now = time;
        }
    }

    private void afterChange() {
        if (busy > 1) {
            return;
        }
        quiet.signalAll();
        if (auto && busy == 0 && !timers.isEmpty() && !interruptPending()) {
            moveTo(timers.first().deadline);
            wakeDue();
        }
    }

    /** Whether a waiting thread was interrupted and is about to end its wait. */
    private boolean interruptPending() {
        for (Waiter waiter : waiting) {
            if (waiter.thread.isInterrupted()) {
                return true;
            }
        }
        return false;
    }

    private void awaitQuiet() {
        Participant self = participants.get(Thread.currentThread());
        int own = (self != null && !self.waiting) ? 1 : 0;
        boolean interrupted = false;
        try {
            while (busy > own || interruptPending()) {
                if (busy <= own) {
                    // an interrupted waiter is about to end its wait; it signals `quiet` when it does
                    quiet.await(1, java.util.concurrent.TimeUnit.MILLISECONDS);
                } else {
                    quiet.await();
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new FlowException(FlowException.Kind.INTERRUPTED,
                    "interrupted while waiting for the participants of " + this, null);
        }
    }

    private void park(Waiter waiter) throws InterruptedException {
        while (!waiter.woken) {
            LockSupport.park(waiter);
            if (Thread.currentThread().isInterrupted()) {
                // Not lock.lock(): while a thread waits for a ReentrantLock, AQS clears its interrupt flag
                // and sets it again afterwards, and in between interruptPending() would not see it.
                while (!lock.tryLock()) {
                    Thread.yield();
                }
                try {
                    endWait(waiter);
                } finally {
                    lock.unlock();
                }
                Thread.interrupted();
                throw new InterruptedException();
            }
        }
    }
}
