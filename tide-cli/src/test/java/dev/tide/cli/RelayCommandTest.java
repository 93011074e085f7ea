package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelayCommandTest {

    @Test
    void relays_payloads_from_one_mem_stream_to_another_in_one_process() {
        String in = "mem:///" + Cli.uniqueKey("relay-in");
        String out = "mem:///" + Cli.uniqueKey("relay-out");
        assertThat(Cli.run("clock", "--stream", in, "--interval", "10ms", "--count", "5").status()).isZero();

        Cli.Result r = Cli.run("relay", "--input", in, "--output", out, "--offset", "start", "--count", "5");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(Streams.payloads(out, 5)).containsExactlyElementsOf(Streams.ticks(5));
    }

    @Test
    void relays_between_two_mem_brokers() {
        String in = "mem://broker-a/" + Cli.uniqueKey("relay-in");
        String out = "mem://broker-b/" + Cli.uniqueKey("relay-out");
        assertThat(Cli.run("clock", "--stream", in, "--interval", "10ms", "--count", "3").status()).isZero();

        Cli.Result r = Cli.run("relay", "--input", in, "--output", out, "--offset", "start", "--count", "3");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Streams.payloads(out, 3)).containsExactlyElementsOf(Streams.ticks(3));
    }

    @Test
    void refuses_to_relay_a_stream_into_itself() {
        String url = "mem:///" + Cli.uniqueKey("loop");

        Cli.Result r = Cli.run("relay", "--input", url, "--output", url);

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("tide relay: --input and --output are the same stream");
    }
}
