package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    /** Time advances one second each time the test lets the display wake up. */
    private static final class SteppedPacer implements Pacer {
        final Semaphore wakeUps = new Semaphore(0);
        final AtomicLong now = new AtomicLong();

        @Override
        public long nanoTime() {
            return now.get();
        }

        @Override
        public void sleepUntil(long deadline) throws InterruptedException {
            wakeUps.acquire();
            now.accumulateAndGet(deadline, Math::max);
        }
    }

    private static CliContext context(ByteArrayOutputStream err, boolean show, Pacer pacer) {
        return new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), show, pacer, Shutdown.manual());
    }

    @Test
    void shows_the_count_and_rate_once_a_second_and_erases_its_line_on_close() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SteppedPacer pacer = new SteppedPacer();
        try (Progress progress = Progress.start(context(err, true, pacer), "relay")) {
            for (int i = 0; i < 1500; i++) {
                progress.count();
            }
            pacer.wakeUps.release();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> err.toString(StandardCharsets.UTF_8).contains("relay: 1,500 messages, 1,500/s"));
            for (int i = 0; i < 20; i++) {
                progress.count();
            }
            pacer.wakeUps.release();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> err.toString(StandardCharsets.UTF_8).contains("relay: 1,520 messages, 20/s"));
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).endsWith("\r\033[K");
    }

    @Test
    void shows_nothing_when_the_context_does_not_allow_it() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Progress progress = Progress.start(context(err, false, new SteppedPacer()), "relay")) {
            progress.count();
            assertThat(progress.total()).isEqualTo(1);
        }
        assertThat(err.size()).isZero();
    }
}
