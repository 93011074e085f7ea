package dev.tide.tck;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real {@code redis-server} process for tests, on a free loopback port, with its data in a temporary
 * directory. It never touches a Redis the machine runs itself (port 6379 is never chosen).
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     Streamer streamer = Streamer.connect(redis.uri() + "/orders");
 *     ...
 * }
 * }</pre>
 * The server runs without persistence ({@code --save "" --appendonly no}); {@link #restart()} keeps the
 * data anyway (it saves a snapshot on the way down), {@link #restartEmpty()} does not. {@link #close()}
 * stops the server and deletes its directory; a JVM shutdown hook kills servers a test forgot to close.
 *
 * <p>When {@code redis-server} is not installed, {@link #start()} fails with a message saying how to
 * install it (tests that need Redis fail rather than skip).
 */
public final class RedisServer implements AutoCloseable {

    /** The host every launcher binds to. */
    public static final String HOST = "127.0.0.1";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private final boolean ownsDir;
    private Process process;
    private Thread hook;

    private RedisServer(int port, Path dir, List<String> extraArgs, boolean ownsDir) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = List.copyOf(extraArgs);
        this.ownsDir = ownsDir;
    }

    /**
     * Starts a standalone server on a free port and waits until it answers PING.
     *
     * @param extraArgs more {@code redis-server} arguments, such as {@code "--requirepass", "secret"}
     * @return the running server
     * @throws IllegalStateException if {@code redis-server} is missing or does not start in time
     */
    public static RedisServer start(String... extraArgs) {
        return startIn(null, List.of(extraArgs));
    }

    /** Starts a server in {@code dir} (a new temporary directory when null). */
    static RedisServer startIn(Path dir, List<String> extraArgs) {
        String exe = executable("redis-server");
        Path home = dir;
        boolean owns = false;
        if (home == null) {
            try {
                home = Files.createTempDirectory("tide-redis-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for redis-server", e);
            }
            owns = true;
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            RedisServer server = new RedisServer(port, home, extraArgs, owns);
            try {
                server.launch(exe);
                return server;
            } catch (IllegalStateException e) {
                last = e;
                server.kill();
            }
        }
        if (owns) {
            deleteTree(home);
        }
        throw last;
    }

    /**
     * The path of an installed executable.
     *
     * @throws IllegalStateException naming the install command if it is not on the PATH
     */
    static String executable(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path p = Path.of(d.isEmpty() ? "." : d, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        throw new IllegalStateException(name + " is not installed (not found on the PATH); the Redis tests need a real "
                + "server: install it with `apt-get install -y redis-server` (Debian/Ubuntu) and run the tests again");
    }

    /**
     * A free loopback port that is not 6379 and whose cluster bus port ({@code port + 10000}) is free too.
     */
    static int freePort() {
        for (int i = 0; i < 100; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = s.getLocalPort();
                if (p == 6379 || p + 10000 > 65535) {
                    continue;
                }
                try (ServerSocket bus = new ServerSocket(p + 10000, 1, InetAddress.getLoopbackAddress())) {
                    return p;
                } catch (IOException busy) {
                    // try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port", e);
            }
        }
        throw new IllegalStateException("no free port pair (p, p + 10000) found");
    }

    private void launch(String exe) {
        List<String> cmd = new ArrayList<>(List.of(exe, "--port", Integer.toString(port), "--bind", HOST,
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--dbfilename", "dump.rdb",
                "--protected-mode", "no", "--daemonize", "no"));
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + exe + ": " + e.getMessage(), e);
        }
        Process p = process;
        hook = new Thread(p::destroyForcibly, "tide-tck-redis-kill-" + port);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Awaitility.await("redis-server on port " + port + " answers PING")
                    .atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20)).pollDelay(Duration.ZERO)
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("redis-server exited with " + p.exitValue() + ":\n" + log());
                        }
                        return ping();
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("redis-server on port " + port + " did not answer within " + START_TIMEOUT
                    + ":\n" + log(), e);
        }
    }

    private boolean ping() {
        try (Resp r = Resp.connect(HOST, port, 1000)) {
            return "PONG".equals(r.call("PING"));
        } catch (Resp.RespError e) {
            // a server that requires a password answers, which is all we wait for
            return String.valueOf(e.getMessage()).startsWith("NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    /** The server's log so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("redis-" + port + ".log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** The host, {@value #HOST}. */
    public String host() {
        return HOST;
    }

    /** {@code redis://127.0.0.1:<port>}, without a trailing slash or keys. */
    public String uri() {
        return "redis://" + HOST + ":" + port;
    }

    /** The data directory. */
    public Path dir() {
        return dir;
    }

    /** Whether the process is running. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Sends one command on a new connection and returns the reply: {@code Long}, {@code String} (bulk
     * strings as UTF-8), {@code List<Object>} or null.
     *
     * @param args the command and its arguments ({@code byte[]} arguments are sent as they are)
     * @return the reply
     * @throws IllegalStateException for an error reply or a connection failure
     */
    public Object call(Object... args) {
        try (Resp r = Resp.connect(HOST, port, 10_000)) {
            return r.call(args);
        } catch (Resp.RespError e) {
            throw new IllegalStateException("redis " + port + " " + args[0] + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("redis " + port + " " + args[0] + ": " + e, e);
        }
    }

    /** Stops the server without saving (SHUTDOWN NOSAVE), waiting until the process is gone. */
    public void stop() {
        shutdown("NOSAVE");
    }

    /**
     * Stops the server and starts it again on the same port and directory, keeping its data (streams,
     * consumer groups, pending lists): it saves a snapshot on the way down, which the new process loads.
     */
    public void restart() {
        shutdown("SAVE");
        launch(executable("redis-server"));
    }

    /**
     * Stops the server after saving its data (SHUTDOWN SAVE); {@link #startAgain()} brings it back with
     * the data. Between the two, clients see a server that is down.
     */
    public void stopKeepingData() {
        shutdown("SAVE");
    }

    /** Stops the server and starts an empty one on the same port, as after losing all data. */
    public void restartEmpty() {
        shutdown("NOSAVE");
        try {
            Files.deleteIfExists(dir.resolve("dump.rdb"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        launch(executable("redis-server"));
    }

    /** Starts the server again after {@link #stop()} or {@link #stopKeepingData()}, on the same port and directory. */
    public void startAgain() {
        if (isRunning()) {
            throw new IllegalStateException("redis-server on port " + port + " is running");
        }
        launch(executable("redis-server"));
    }

    private void shutdown(String how) {
        if (process == null || !process.isAlive()) {
            return;
        }
        try (Resp r = Resp.connect(HOST, port, 5000)) {
            r.call("SHUTDOWN", how);
        } catch (Resp.RespError e) {
            // refused (a password is required): SIGTERM, which redis-server handles as SHUTDOWN
            process.destroy();
        } catch (IOException e) {
            // the connection drops when the server goes away
        }
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        removeHook();
    }

    private void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        removeHook();
    }

    private void removeHook() {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down; the hook runs anyway
            }
            hook = null;
        }
    }

    /** Stops the server (without saving) and deletes its directory. */
    @Override
    public void close() {
        shutdown("NOSAVE");
        kill();
        if (ownsDir) {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + ", " + dir + "]";
    }
}
