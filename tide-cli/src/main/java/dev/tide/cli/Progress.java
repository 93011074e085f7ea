package dev.tide.cli;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/*
 * A one-line progress display on stderr for long-running commands ("relay: 12,345 messages, 1,204/s"),
 * redrawn once a second by a thread this object owns, and erased on close. Only when the context allows
 * it (stderr a terminal, stdout not); otherwise count() just counts. count() is thread-safe.
 */
final class Progress implements AutoCloseable {

    private static final long PERIOD = TimeUnit.SECONDS.toNanos(1);

    private final CliContext ctx;
    private final String label;
    private final AtomicLong count = new AtomicLong();
    private final Thread thread;

    private Progress(CliContext ctx, String label, boolean show) {
        this.ctx = ctx;
        this.label = label;
        this.thread = show ? CliThreads.start(this::display) : null;
    }

    /**
     * Starts a display, if the context allows one.
     *
     * @param ctx where to draw
     * @param label what is counted, such as {@code relay}
     * @return the display; close it when the work ends
     */
    static Progress start(CliContext ctx, String label) {
        return new Progress(ctx, label, ctx.showProgress());
    }

    /** Counts one more message. */
    void count() {
        count.incrementAndGet();
    }

    /** How many were counted. */
    long total() {
        return count.get();
    }

    private void display() {
        Pacer pacer = ctx.pacer();
        long next = pacer.nanoTime() + PERIOD;
        long last = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                pacer.sleepUntil(next);
                next += PERIOD;
                long now = count.get();
                ctx.err().print(String.format(Locale.ROOT, "\r\033[K%s: %,d messages, %,d/s", label, now, now - last));
                ctx.err().flush();
                last = now;
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Stops the display and erases its line. */
    @Override
    public void close() {
        if (thread != null) {
            CliThreads.stop(thread);
            ctx.err().print("\r\033[K");
            ctx.err().flush();
        }
    }
}
