package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProduceCommandTest {

    @Test
    void sends_each_line_of_stdin_as_one_message_and_consume_prints_them_back() {
        String url = "mem:///" + Cli.uniqueKey("produce");

        Cli.Result produced = Cli.runWithInput("alpha\nbéta\n\ngamma\r\ndelta", "produce", "--stream", url);
        Cli.Result consumed = Cli.run("consume", "--stream", url, "--offset", "start", "--count", "5");

        assertThat(produced.status()).as(produced.err()).isZero();
        assertThat(produced.out()).isEmpty();
        assertThat(produced.err()).isEmpty();
        assertThat(consumed.status()).as(consumed.err()).isZero();
        assertThat(consumed.outLines()).containsExactly("alpha", "béta", "", "gamma", "delta");
    }

    @Test
    void empty_input_sends_nothing() {
        String url = "mem:///" + Cli.uniqueKey("produce-empty");

        Cli.Result r = Cli.runWithInput("", "produce", "--stream", url);

        assertThat(r.status()).isZero();
        assertThat(Streams.payloads(url, 0)).isEmpty();
    }

    @Test
    void a_line_that_is_not_utf8_stops_with_its_number_after_sending_the_lines_before_it() {
        String url = "mem:///" + Cli.uniqueKey("produce-bad");
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes("fine\n".getBytes(StandardCharsets.UTF_8));
        input.writeBytes(new byte[] {'b', 'a', (byte) 0xC3, 'd', '\n'});
        input.writeBytes("never sent\n".getBytes(StandardCharsets.UTF_8));

        Cli.Result r = Cli.run(new ByteArrayInputStream(input.toByteArray()), "produce", "--stream", url);

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("tide produce: line 2 of standard input is not valid UTF-8");
        assertThat(Streams.payloads(url, 1)).containsExactly("fine");
    }
}
