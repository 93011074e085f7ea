package dev.tide.bench;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Child JVMs of a benchmark: the Kafka broker and Kafka's own tools, started from the benchmark's class
 * path with this JVM's {@code java}. The child runs {@link #main} first, which halts it as soon as its
 * parent is gone, so a benchmark killed without running its shutdown hooks leaves no broker behind.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * The entry point of every child: runs {@code args[0]}'s main with the remaining arguments, and halts
     * when the parent process exits.
     *
     * @param args the main class, then its arguments
     */
    public static void main(String[] args) throws Throwable {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Starts {@code mainClass} in a child JVM; its output goes to {@code log} (appended), or is returned to read when null. */
    static Process start(Path log, List<String> jvmOptions, String mainClass, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(jvmOptions);
        command.add(ChildJvm.class.getName());
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }
}
