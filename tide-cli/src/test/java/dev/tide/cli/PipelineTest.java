package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real JVMs joined by a pipe, as in the shell:
 * {@code tide clock --stream stdio:///clock ... | tide relay --input stdio:///clock --output stdio:///relayed}.
 */
class PipelineTest {

    private static final Pattern RELAYED = Pattern.compile(
            "\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d \\| relayed \\| (\\d+)] \\{ \"tick\": (\\d+) }");

    @TempDir
    Path dir;

    private ProcessBuilder tide(String name, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Tide.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(dir.resolve(name + ".err").toFile());
    }

    @Test
    void clock_piped_into_relay_prints_every_tick_relayed_in_order_and_both_exit_0()
            throws IOException, InterruptedException {
        File relayed = dir.resolve("relay.out").toFile();
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                tide("clock", "clock", "--stream", "stdio:///clock", "--interval", "20ms", "--count", "10"),
                tide("relay", "relay", "--input", "stdio:///clock", "--output", "stdio:///relayed")
                        .redirectOutput(relayed)));
        try {
            for (Process p : pipeline) {
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the pipeline ended").isTrue();
            }
        } finally {
            pipeline.forEach(Process::destroyForcibly);
        }

        assertThat(Files.readString(dir.resolve("clock.err"))).isEmpty();
        assertThat(Files.readString(dir.resolve("relay.err"))).isEmpty();
        assertThat(pipeline.get(0).exitValue()).isZero();
        assertThat(pipeline.get(1).exitValue()).isZero();
        List<String> lines = Files.readAllLines(relayed.toPath(), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(10);
        for (int i = 0; i < 10; i++) {
            Matcher m = RELAYED.matcher(lines.get(i));
            assertThat(m.matches()).as(lines.get(i)).isTrue();
            assertThat(m.group(1)).as("stdio sequence").isEqualTo(String.valueOf(i));
            assertThat(m.group(2)).as("tick").isEqualTo(String.valueOf(i));
        }
    }
}
