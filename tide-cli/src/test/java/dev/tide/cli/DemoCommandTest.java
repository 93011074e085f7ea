package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void runs_a_clock_through_mem_and_a_flow_and_ends_by_itself() {
        Cli.Result r = Cli.run("demo", "--duration", "1s", "--interval", "100ms");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.outLines()).containsExactly(
                "demo: a clock sends { \"tick\": N } to mem:///ticks every 100ms for 1s; a flow keeps the even ticks"
                        + " and adds them up",
                "tick   0  running total of even ticks      0",
                "tick   2  running total of even ticks      2",
                "tick   4  running total of even ticks      6",
                "tick   6  running total of even ticks     12",
                "tick   8  running total of even ticks     20",
                "demo: 10 ticks sent, 5 even ticks, total 20");
    }

    @Test
    void runs_again_in_the_same_process_with_the_same_result() {
        Cli.Result first = Cli.run("demo", "--duration", "500ms", "--interval", "100ms");
        Cli.Result second = Cli.run("demo", "--duration", "500ms", "--interval", "100ms");

        assertThat(first.status()).isZero();
        assertThat(second.out()).isEqualTo(first.out()).endsWith("demo: 5 ticks sent, 3 even ticks, total 6\n");
    }

    @Test
    void the_default_runs_30_ticks_over_three_seconds() {
        Cli.Result r = Cli.run("demo");

        assertThat(r.status()).isZero();
        assertThat(r.outLines()).hasSize(17).last().isEqualTo("demo: 30 ticks sent, 15 even ticks, total 210");
    }

    @Test
    void an_interval_longer_than_the_duration_is_a_usage_error() {
        Cli.Result r = Cli.run("demo", "--duration", "1s", "--interval", "2s");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("tide demo: --interval must be positive and at most --duration");
    }
}
