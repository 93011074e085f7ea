package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tide}, run by bash in a copy of the repository layout, with fake {@code java} and {@code mvn}
 * executables and a PATH holding only the tools the script needs: which Java it picks, when it builds,
 * and how it fails. Nothing here runs a real build or a real JVM.
 */
class LauncherTest {

    private static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("bin").resolve("tide");
    private static final Instant SOURCES_TIME = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    private Path repo;
    private Path jar;
    private Path tools;
    private Path jdks;
    private Path mvnLog;

    /** What a launcher run did. */
    private record Run(int status, List<String> out, List<String> err) {
    }

    @BeforeEach
    void layout() throws IOException {
        repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve("bin"));
        Files.copy(SCRIPT, repo.resolve("bin/tide"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Files.createDirectories(repo.resolve("tide-cli/src/main/java"));
        Files.writeString(repo.resolve("tide-cli/pom.xml"), "<project/>");
        Files.writeString(repo.resolve("tide-cli/src/main/java/A.java"), "class A {}");
        Files.createDirectories(repo.resolve("tide-cli/target"));
        for (Path p : List.of(repo.resolve("pom.xml"), repo.resolve("tide-cli/pom.xml"),
                repo.resolve("tide-cli/src/main/java/A.java"))) {
            Files.setLastModifiedTime(p, FileTime.from(SOURCES_TIME));
        }
        jar = repo.resolve("tide-cli/target/tide.jar");

        tools = tmp.resolve("tools");
        Files.createDirectories(tools);
        for (String tool : List.of("bash", "readlink", "find", "mkdir", "flock")) {
            Path real = onPath(tool);
            if (real != null) {
                Files.createSymbolicLink(tools.resolve(tool), real);
            }
        }
        assertThat(tools.resolve("bash")).exists();
        mvnLog = tmp.resolve("mvn.log");
        script(tools.resolve("mvn"), """
                printf '%s|%s\\n' "$PWD" "$*" >> "$MVN_LOG"
                if [ -n "${MVN_FAIL:-}" ]; then echo '[ERROR] the build broke'; exit 1; fi
                : > "$PWD/tide-cli/target/tide.jar"
                """);
        jdks = tmp.resolve("jvm");
    }

    private static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static void script(Path path, String body) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!" + onPath("bash") + "\n" + body);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A fake JDK home whose java reports {@code version} and prints how it was run. */
    private Path jdk(Path home, String version) throws IOException {
        script(home.resolve("bin/java"), """
                if [ "$1" = "-version" ]; then
                  echo 'Picked up JAVA_TOOL_OPTIONS: -Dfoo=bar' >&2
                  echo 'openjdk version "%s" 2024-01-16' >&2
                  echo 'OpenJDK Runtime Environment' >&2
                  exit 0
                fi
                printf 'java=%%s\\n' "$0"
                printf 'arg=%%s\\n' "$@"
                """.formatted(version));
        return home;
    }

    private void freshJar() throws IOException {
        Files.writeString(jar, "jar");
        Files.setLastModifiedTime(jar, FileTime.from(SOURCES_TIME.plusSeconds(60)));
    }

    private Run run(Map<String, String> env, Path script, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(tools.resolve("bash").toString(), script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", tools.toString());
        pb.environment().put("MVN_LOG", mvnLog.toString());
        pb.environment().put("TIDE_JDK_DIRS", jdks.toString());
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
        return new Run(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                Files.readAllLines(err, StandardCharsets.UTF_8));
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(env, repo.resolve("bin/tide"), args);
    }

    private List<String> mvnCalls() throws IOException {
        return Files.exists(mvnLog) ? Files.readAllLines(mvnLog) : List.of();
    }

    @Test
    void uses_java_home_when_it_is_21_or_newer() throws Exception {
        Path home = jdk(tmp.resolve("home21"), "21.0.2");
        jdk(jdks.resolve("jdk-25"), "25");
        freshJar();

        Run r = run(Map.of("JAVA_HOME", home.toString()), "clock", "--interval", "1s");

        assertThat(r.status()).as(String.join("\n", r.err())).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).containsExactly("java=" + home.resolve("bin/java"),
                "arg=-jar", "arg=" + jar.toRealPath(), "arg=clock", "arg=--interval", "arg=1s");
    }

    @Test
    void skips_an_old_java_home_for_java_on_the_path() throws Exception {
        Path old = jdk(tmp.resolve("home17"), "17.0.15");
        Path onPath = jdk(tmp.resolve("path22"), "22");
        Files.createSymbolicLink(tools.resolve("java"), onPath.resolve("bin/java"));
        freshJar();

        Run r = run(Map.of("JAVA_HOME", old.toString()), "--version");

        assertThat(r.status()).isZero();
        assertThat(r.out().get(0)).isEqualTo("java=" + tools.resolve("java"));
    }

    @Test
    void falls_back_to_the_newest_jdk_of_the_jdk_directories() throws Exception {
        jdk(tmp.resolve("home8"), "1.8.0_292");
        jdk(jdks.resolve("java-17-openjdk"), "17.0.15");
        jdk(jdks.resolve("temurin-21"), "21.0.5");
        Path newest = jdk(jdks.resolve("zulu-25-ea"), "25-ea");
        jdk(jdks.resolve("java-8"), "1.8.0_292");
        freshJar();

        Run r = run(Map.of("JAVA_HOME", tmp.resolve("home8").toString()), "demo");

        assertThat(r.status()).isZero();
        assertThat(r.out().get(0)).isEqualTo("java=" + newest.resolve("bin/java"));
    }

    @Test
    void without_a_java_21_fails_with_one_line() throws Exception {
        jdk(jdks.resolve("java-17-openjdk"), "17.0.15");
        freshJar();

        Run r = run(Map.of("JAVA_HOME", tmp.resolve("nowhere").toString()), "demo");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).singleElement().asString().startsWith("tide: no Java 21 or newer found");
    }

    @Test
    void builds_the_jar_when_it_is_missing_then_runs_it() throws Exception {
        Path home = jdk(tmp.resolve("home21"), "21");

        Run r = run(Map.of("JAVA_HOME", home.toString()), "demo");

        assertThat(r.status()).as(String.join("\n", r.err())).isZero();
        assertThat(mvnCalls()).containsExactly(repo.toRealPath() + "|-q -B -DskipTests -pl tide-cli -am package");
        assertThat(r.err()).singleElement().asString().startsWith("tide: building tide-cli/target/tide.jar");
        assertThat(r.out()).contains("arg=" + jar.toRealPath(), "arg=demo");
    }

    @Test
    void does_not_build_when_the_jar_is_newer_than_every_source() throws Exception {
        Path home = jdk(tmp.resolve("home21"), "21");
        freshJar();

        Run r = run(Map.of("JAVA_HOME", home.toString()), "demo");

        assertThat(r.status()).isZero();
        assertThat(mvnCalls()).isEmpty();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void rebuilds_when_a_source_or_pom_is_newer_than_the_jar() throws Exception {
        Path home = jdk(tmp.resolve("home21"), "21");
        freshJar();
        Files.setLastModifiedTime(repo.resolve("tide-cli/src/main/java/A.java"),
                FileTime.from(SOURCES_TIME.plusSeconds(120)));

        run(Map.of("JAVA_HOME", home.toString()), "demo");
        freshJar();
        Files.setLastModifiedTime(repo.resolve("pom.xml"), FileTime.from(SOURCES_TIME.plusSeconds(120)));
        run(Map.of("JAVA_HOME", home.toString()), "demo");

        assertThat(mvnCalls()).hasSize(2);
    }

    @Test
    void a_failed_build_stops_with_a_clear_last_line_and_keeps_stdout_clean() throws Exception {
        Path home = jdk(tmp.resolve("home21"), "21");

        Run r = run(Map.of("JAVA_HOME", home.toString(), "MVN_FAIL", "1"), "demo");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("[ERROR] the build broke");
        assertThat(r.err().get(r.err().size() - 1)).startsWith("tide: the build failed");
    }

    @Test
    void works_from_any_directory_through_a_symlink() throws Exception {
        Path home = jdk(tmp.resolve("home21"), "21");
        freshJar();
        Path elsewhere = tmp.resolve("elsewhere/bin");
        Files.createDirectories(elsewhere);
        Files.createSymbolicLink(elsewhere.resolve("tide"), Path.of("../../repo/bin/tide"));

        Run r = run(Map.of("JAVA_HOME", home.toString()), elsewhere.resolve("tide"), "demo");

        assertThat(r.status()).as(String.join("\n", r.err())).isZero();
        assertThat(r.out()).contains("arg=" + jar.toRealPath());
    }
}
