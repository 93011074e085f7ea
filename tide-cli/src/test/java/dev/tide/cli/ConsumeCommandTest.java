package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsumeCommandTest {

    private static String clock(int ticks) {
        String url = "mem:///" + Cli.uniqueKey("consume");
        Cli.Result r = Cli.run("clock", "--stream", url, "--interval", "1ms", "--count", String.valueOf(ticks));
        assertThat(r.status()).as(r.err()).isZero();
        return url;
    }

    @Test
    void prints_payloads_from_the_start_up_to_count() {
        String url = clock(10);

        Cli.Result r = Cli.run("consume", "--stream", url, "--offset", "start", "--count", "10");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.outLines()).containsExactlyElementsOf(Streams.ticks(10));
    }

    @Test
    void prints_the_stdio_line_form() {
        String url = clock(3);
        String key = url.substring(url.lastIndexOf('/') + 1);

        Cli.Result r = Cli.run("consume", "--stream", url, "--offset", "start", "--count", "3", "--format", "stdio");

        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            // mem numbers each stream from 1
            assertThat(lines.get(i)).matches("\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d \\| " + key + " \\| "
                    + (i + 1) + "] \\{ \"tick\": " + i + " }");
        }
    }

    @Test
    void prints_ndjson_with_the_header_fields() {
        String url = clock(2);
        String key = url.substring(url.lastIndexOf('/') + 1);

        Cli.Result r = Cli.run("consume", "--stream", url, "--offset", "start", "--count", "2", "--format", "ndjson");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.outLines()).hasSize(2);
        assertThat(r.outLines().get(1)).matches("\\{\"header\":\\{\"stream_key\":\"" + key
                + "\",\"shard_id\":0,\"sequence\":2,\"timestamp\":\"[0-9T:.-]+\"},\"payload\":\"\\{ \\\\\"tick\\\\\": 1 }\"}");
    }

    @Test
    void a_resumable_consumer_resumes_after_what_it_printed() {
        String url = clock(6);

        Cli.Result first = Cli.run("consume", "--stream", url, "--mode", "resumable", "--group", "readers",
                "--offset", "start", "--count", "3");
        Cli.Result second = Cli.run("consume", "--stream", url, "--mode", "resumable", "--group", "readers",
                "--offset", "start", "--count", "3");

        assertThat(first.status()).as(first.err()).isZero();
        assertThat(second.status()).as(second.err()).isZero();
        assertThat(first.outLines()).containsExactlyElementsOf(Streams.ticks(6).subList(0, 3));
        assertThat(second.outLines()).containsExactlyElementsOf(Streams.ticks(6).subList(3, 6));
    }

    @Test
    void a_group_alone_means_a_load_balanced_consumer() {
        String url = clock(4);

        Cli.Result r = Cli.run("consume", "--stream", url, "--group", "workers", "--offset", "start", "--count", "4");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.outLines()).containsExactlyElementsOf(Streams.ticks(4));
    }

    @Test
    void reads_several_streams_of_one_url() {
        String a = clock(2);
        String b = clock(3);
        String both = a + "," + b.substring(b.lastIndexOf('/') + 1);

        Cli.Result r = Cli.run("consume", "--stream", both, "--offset", "start", "--count", "5");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.outLines()).containsExactlyInAnyOrder(
                Ticks.payload(0), Ticks.payload(1), Ticks.payload(0), Ticks.payload(1), Ticks.payload(2));
    }

    @Test
    void stops_quietly_with_141_when_the_reader_of_stdout_goes_away() {
        String url = clock(5);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream closedPipe = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        }, true, StandardCharsets.UTF_8);
        CliContext ctx = new CliContext(new ByteArrayInputStream(new byte[0]), closedPipe,
                new PrintStream(err, true, StandardCharsets.UTF_8), false, new VirtualPacer(0), Shutdown.manual());

        int status = Tide.run(ctx, "consume", "--stream", url, "--offset", "start", "--count", "5");

        assertThat(status).isEqualTo(141);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
