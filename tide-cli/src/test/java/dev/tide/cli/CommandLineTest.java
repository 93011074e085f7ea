package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What every command shares: help, version, exit codes and one-line errors. */
class CommandLineTest {

    static Stream<Arguments> errors() {
        return Stream.of(
                // usage errors: exit 2
                Arguments.of(2, "tide clock: Invalid value for option '--stream': invalid stream URI \"not-a-uri\"",
                        new String[] {"clock", "--stream", "not-a-uri", "--interval", "1s"}),
                Arguments.of(2, "tide clock: Invalid value for option '--stream'",
                        new String[] {"clock", "--stream", "mem:///bad key", "--interval", "1s"}),
                Arguments.of(2, "tide clock: Invalid value for option '--interval': invalid duration \"1 fortnight\"",
                        new String[] {"clock", "--stream", "mem:///x", "--interval", "1 fortnight"}),
                Arguments.of(2, "tide clock: Invalid value for option '--option' (NAME=VALUE): expected NAME=VALUE",
                        new String[] {"clock", "--stream", "mem:///x", "--interval", "1s", "--option", "novalue"}),
                Arguments.of(2, "tide clock: --option \"color\" is not named after a backend",
                        new String[] {"clock", "--stream", "mem:///x", "--interval", "1s", "--option", "color=blue"}),
                Arguments.of(2, "tide clock: Unknown option: '--colour'",
                        new String[] {"clock", "--stream", "mem:///x", "--interval", "1s", "--colour"}),
                Arguments.of(2, "tide clock: Missing required option: '--stream=URI'",
                        new String[] {"clock", "--interval", "1s"}),
                Arguments.of(2, "tide clock: --stream needs exactly one stream key",
                        new String[] {"clock", "--stream", "mem:///a,b", "--interval", "1s"}),
                Arguments.of(2, "tide clock: --count must not be negative: -1",
                        new String[] {"clock", "--stream", "mem:///x", "--interval", "1s", "--count", "-1"}),
                Arguments.of(2, "tide consume: Invalid value for option '--format': expected one of payload, stdio, log, ndjson",
                        new String[] {"consume", "--stream", "mem:///x", "--format", "xml"}),
                Arguments.of(2, "tide relay: Invalid value for option '--offset': expected one of start, end",
                        new String[] {"relay", "--input", "mem:///a", "--output", "mem:///b", "--offset", "middle"}),
                Arguments.of(2, "tide: Unmatched argument at index 0: 'fly'",
                        new String[] {"fly"}),
                // failures while running: exit 1
                Arguments.of(1, "tide clock: no backend for scheme \"nope\"",
                        new String[] {"clock", "--stream", "nope:///x", "--interval", "1s"}),
                Arguments.of(1, "tide clock: unknown option mem.colour for a mem connection",
                        new String[] {"clock", "--stream", "mem:///x", "--interval", "1s", "--option", "mem.colour=blue"}),
                Arguments.of(1, "tide consume: invalid value \"lots\" for option mem.max-messages",
                        new String[] {"consume", "--stream", "mem://limits/x", "--option", "mem.max-messages=lots"}),
                Arguments.of(1, "tide consume: a REAL_TIME consumer takes no consumer group",
                        new String[] {"consume", "--stream", "mem:///x", "--mode", "real-time", "--group", "g"}));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void an_error_is_one_line_on_stderr_and_a_nonzero_exit(int status, String start, String[] args) {
        Cli.Result r = Cli.run(args);

        assertThat(r.status()).as(r.err()).isEqualTo(status);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).singleElement().asString().startsWith(start);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void verbose_adds_the_stack_trace() {
        Cli.Result r = Cli.run("clock", "--stream", "nope:///x", "--interval", "1s", "--verbose");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.errLines().get(0)).startsWith("tide clock: no backend for scheme \"nope\"");
        assertThat(r.errLines()).hasSizeGreaterThan(2);
        assertThat(r.errLines().get(1)).startsWith("StreamException[INVALID_URI]");
        assertThat(r.err()).contains("\tat dev.tide.");
    }

    @Test
    void verbose_may_come_before_the_command() {
        Cli.Result r = Cli.run("--verbose", "clock", "--stream", "nope:///x", "--interval", "1s");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("\tat dev.tide.");
    }

    @Test
    void without_a_command_prints_the_usage_on_stderr_and_exits_2() {
        Cli.Result r = Cli.run();

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("Usage: tide ").contains("clock", "relay", "produce", "consume", "demo");
    }

    @ParameterizedTest
    @ValueSource(strings = {"clock", "relay", "produce", "consume", "demo"})
    void every_command_has_help(String command) {
        Cli.Result r = Cli.run(command, "--help");

        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith("Usage: tide " + command).contains("--help", "--version", "--verbose");
    }

    @Test
    void the_top_command_has_help_and_version() {
        Cli.Result help = Cli.run("--help");
        Cli.Result version = Cli.run("--version");

        assertThat(help.status()).isZero();
        assertThat(help.out()).startsWith("Usage: tide ").contains("Commands:", "clock", "relay");
        assertThat(version.status()).isZero();
        assertThat(version.outLines().get(0)).matches("tide \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(version.out()).contains("Java " + Runtime.version().feature()).containsPattern("backends: .*mem.*stdio");
    }

    @Test
    void a_stop_request_ends_a_blocked_command_quietly() throws InterruptedException {
        String url = "mem:///" + Cli.uniqueKey("stopped");
        Shutdown shutdown = Shutdown.manual();
        AtomicReference<Cli.Result> result = new AtomicReference<>();
        Thread consume = Thread.ofVirtual().start(() -> result.set(Cli.run(new ByteArrayInputStream(new byte[0]),
                new VirtualPacer(0), shutdown, "consume", "--stream", url)));

        shutdown.run();

        assertThat(consume.join(Duration.ofSeconds(30))).as("consume ended").isTrue();
        assertThat(result.get().status()).isEqualTo(130);
        assertThat(result.get().err()).isEmpty();
    }
}
