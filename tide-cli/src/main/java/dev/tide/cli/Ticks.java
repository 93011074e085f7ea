package dev.tide.cli;

import dev.tide.Producer;
import dev.tide.StreamException;
import java.time.Duration;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * The clock of `clock` and `demo`: payloads `{ "tick": N }` exactly as SeaStreamer's clock writes them,
 * N from 0. Tick i is due at start + i × interval on the pacer, so a slow send or a late wake-up does not
 * push later ticks back (fixed rate, no drift); a clock that fell behind sends the overdue ticks at once.
 */
final class Ticks {

    private static final Pattern TICK = Pattern.compile("\\{\\s*\"tick\"\\s*:\\s*(\\d{1,18})\\s*}");

    private Ticks() {
    }

    /**
     * The payload of tick {@code n}.
     *
     * @param n the tick number
     * @return {@code { "tick": n }}
     */
    static String payload(long n) {
        return "{ \"tick\": " + n + " }";
    }

    /**
     * Reads a tick number back.
     *
     * @param payload a clock's payload
     * @return its tick number
     * @throws StreamException {@link StreamException.Kind#FORMAT} if it is not {@code { "tick": N }}
     */
    static long parse(String payload) {
        Matcher m = TICK.matcher(payload.strip());
        if (!m.matches()) {
            throw new StreamException(StreamException.Kind.FORMAT,
                    "expected a clock payload { \"tick\": N }, got \"" + payload + "\"");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Sends ticks at a fixed rate. Blocks the calling thread for {@code count} intervals.
     *
     * @param producer sends to its anchor stream
     * @param interval time between ticks; zero sends as fast as possible
     * @param count how many ticks, or -1 for no end
     * @param pacer the time source
     * @param tracker watches the receipts; its failure stops the clock
     * @param afterSend called with each tick number once it is sent
     * @return how many ticks were sent
     * @throws InterruptedException if the thread is interrupted while waiting for the next tick
     */
    static long send(Producer producer, Duration interval, long count, Pacer pacer, SendTracker tracker,
            LongConsumer afterSend) throws InterruptedException {
        long step = interval.toNanos();
        long start = pacer.nanoTime();
        long n = 0;
        for (; count < 0 || n < count; n++) {
            if (step > 0) {
                pacer.sleepUntil(start + n * step);
            }
            tracker.check();
            tracker.track(producer.send(payload(n)));
            afterSend.accept(n);
        }
        return n;
    }
}
