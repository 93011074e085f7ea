package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    @Test
    void closes_what_is_registered_newest_first_once() {
        Shutdown shutdown = Shutdown.manual();
        List<String> closed = new ArrayList<>();
        shutdown.register(() -> closed.add("first"));
        shutdown.register(() -> closed.add("second"));
        AutoCloseable forgotten = shutdown.register(() -> closed.add("forgotten"));

        assertThat(shutdown.inProgress()).isFalse();
        try {
            forgotten.close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        shutdown.run();
        shutdown.run();

        assertThat(shutdown.inProgress()).isTrue();
        assertThat(closed).containsExactly("second", "first");
    }

    @Test
    void a_failure_while_closing_does_not_stop_the_others() {
        Shutdown shutdown = Shutdown.manual();
        List<String> closed = new ArrayList<>();
        shutdown.register(() -> closed.add("first"));
        shutdown.register(() -> {
            throw new IllegalStateException("broken");
        });

        shutdown.run();

        assertThat(closed).containsExactly("first");
    }

    @Test
    void what_is_registered_after_the_stop_is_closed_at_once() {
        Shutdown shutdown = Shutdown.manual();
        List<String> closed = new ArrayList<>();
        shutdown.run();

        shutdown.register(() -> closed.add("late"));

        assertThat(closed).containsExactly("late");
    }
}
