package dev.tide.kafka;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The entry point of every child JVM the tests start: it runs the real main class (such as
 * {@code kafka.Kafka}) and halts the child as soon as its parent (the test JVM) is gone, so that a test
 * JVM killed without running its shutdown hooks leaves no broker behind.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {
    }

    /**
     * Runs {@code args[0]}'s main with the remaining arguments.
     *
     * @param args the main class, then its arguments
     */
    public static void main(String[] args) throws Throwable {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
