package dev.tide.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a Java program from the test class path in a child JVM, with its output in a log file: the
 * test broker, and programs the tests kill at random points (a relay, a consumer).
 */
final class ChildJvm {

    private ChildJvm() {
    }

    /** The java launcher of this JVM. */
    static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * The test class path. Surefire may start the test JVM from a manifest-only jar, whose
     * {@code Class-Path} the child JVM follows just as well; it also sets {@code surefire.test.class.path}.
     */
    static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /**
     * Starts {@code mainClass} with {@code args} under {@link ParentWatchdog}, so the child exits when
     * this JVM does, even if this JVM is killed; stdout and stderr go to {@code log}.
     *
     * @param log the log file, appended to
     * @param jvmOptions options before the main class
     * @param mainClass the main class
     * @param args its arguments
     * @return the running process
     */
    static Process start(Path log, List<String> jvmOptions, String mainClass, String... args) throws IOException {
        Process process = startWithInput(log, jvmOptions, mainClass, args);
        process.getOutputStream().close();
        return process;
    }

    /**
     * As {@link #start}, with the child's standard input left open for the caller to write to.
     */
    static Process startWithInput(Path log, List<String> jvmOptions, String mainClass, String... args) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.add("-cp");
        command.add(classPath());
        command.addAll(jvmOptions);
        command.add(ParentWatchdog.class.getName());
        command.add(mainClass);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return process;
    }

    /**
     * Runs {@code mainClass} to completion.
     *
     * @return its exit code
     */
    static int run(Path log, List<String> jvmOptions, String mainClass, String... args) throws IOException, InterruptedException {
        return start(log, jvmOptions, mainClass, args).waitFor();
    }
}
