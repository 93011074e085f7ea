package dev.tide.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The task functions of RS2's {@code benches/parallel_processing.rs}, ported one to one (see the RS2 notes,
 * section 4.1): the same arithmetic on {@code int} (wrapping), SHA-256 through {@link MessageDigest}, JSON
 * through Jackson, and millisecond sleeps for the I/O simulation.
 */
final class Rs2Tasks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private Rs2Tasks() {
    }

    /** {@code r = x; 5 × { r = r * 17 + 1 }} (wrapping). */
    static int lightCpu(int x) {
        int r = x;
        for (int i = 0; i < 5; i++) {
            r = r * 17 + 1;
        }
        return r;
    }

    /** SHA-256 of 10 updates of {@code "data-x-(x*x)-i"}, as hex. */
    static String mediumCpu(int x) {
        MessageDigest sha = sha256();
        String input = "data-" + x + "-" + (x * x);
        for (int i = 0; i < 10; i++) {
            sha.update((input + "-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return HEX.formatHex(sha.digest());
    }

    /** Build and parse a JSON document, 50 trigonometric terms, SHA-256 over 50 copies of both; (hex, sum). */
    static String heavyCpu(int x) {
        StringBuilder json = new StringBuilder(512);
        json.append("{\"id\":").append(x).append(",\"data\":[");
        for (int i = 0; i < 50; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(i * x);
        }
        json.append("],\"metadata\":{\"processed\":true,\"timestamp\":").append(x * 1000)
                .append(",\"values\":[1,2,3,4,5,6,7,8,9,10]}}");
        JsonNode parsed;
        try {
            parsed = JSON.readTree(json.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        double result = 0;
        for (int i = 0; i < 50; i++) {
            result += Math.abs(Math.tan(Math.cos(Math.sin((double) x * i))));
        }
        MessageDigest sha = sha256();
        byte[] text = parsed.toString().getBytes(StandardCharsets.UTF_8);
        byte[] number = Double.toString(result).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 50; i++) {
            sha.update(text);
            sha.update(number);
        }
        return HEX.formatHex(sha.digest()) + ":" + result;
    }

    /** Sleeps 5, 15, 30 or 50 ms by {@code x % 10} (mean 18.5 ms), then SHA-256 of a short string. */
    static String ioSimulation(int x) {
        int m = Math.floorMod(x, 10);
        long delay = m <= 2 ? 5 : m <= 6 ? 15 : m <= 8 ? 30 : 50;
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        MessageDigest sha = sha256();
        return HEX.formatHex(sha.digest(("io-result-" + x + "-" + delay).getBytes(StandardCharsets.UTF_8)));
    }

    /** The task named as in RS2's bench ids. */
    static java.util.function.Function<Integer, Object> task(String name) {
        return switch (name) {
            case "light_cpu" -> Rs2Tasks::lightCpu;
            case "medium_cpu" -> Rs2Tasks::mediumCpu;
            case "heavy_cpu" -> Rs2Tasks::heavyCpu;
            case "io_simulation" -> Rs2Tasks::ioSimulation;
            default -> throw new IllegalArgumentException("unknown task: " + name);
        };
    }

    /** RS2's item count per task. */
    static int size(String name) {
        return switch (name) {
            case "light_cpu" -> 2000;
            case "medium_cpu" -> 500;
            case "heavy_cpu" -> 100;
            case "io_simulation" -> 200;
            default -> throw new IllegalArgumentException("unknown task: " + name);
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
