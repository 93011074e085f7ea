package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's promises: its example is this module's {@link Hello}, and it runs. */
class ReadmeTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static String javaBlock(String markdown) {
        int start = markdown.indexOf("```java\n");
        assertThat(start).as("a java block in README.md").isNotNegative();
        int end = markdown.indexOf("```", start + 8);
        return markdown.substring(start + 8, end);
    }

    @Test
    void the_example_is_the_compiled_hello_class() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String source = Files.readString(ROOT.resolve("tide-cli/src/test/java/dev/tide/cli/Hello.java"));

        assertThat(javaBlock(readme)).isEqualTo(source.replaceFirst("package dev\\.tide\\.cli;\\n\\n", ""));
    }

    @Test
    void the_first_commands_are_the_demo_and_the_test_suite_and_ci_runs_the_same_one() throws IOException {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
        List<String> commands = readme.stream().filter(l -> l.startsWith("bin/tide ") || l.startsWith("mvn ")).toList();
        String ci = Files.readString(ROOT.resolve(".ci/run"));

        assertThat(commands).startsWith("bin/tide demo", "mvn verify");
        assertThat(ci.lines().filter(l -> l.strip().startsWith("mvn ")).map(String::strip)).containsExactly("mvn verify");
    }

    @Test
    void the_example_prints_what_it_sent() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            Hello.main(new String[0]);
        } finally {
            System.setOut(original);
        }

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly("hello, Ada", "hello, Grace", "hello, Linus");
    }
}
