package dev.tide.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line arguments of the benchmark programs. */
final class Args {

    private final Map<String, String> values = new HashMap<>();

    private Args() {
    }

    static Args parse(String[] args) {
        Args a = new Args();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got: " + arg);
            }
            a.values.put(arg.substring(2), args[++i]);
        }
        return a;
    }

    String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    int integer(String name, int def) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name).replace("_", "")) : def;
    }

    long longValue(String name, long def) {
        return values.containsKey(name) ? Long.parseLong(values.get(name).replace("_", "")) : def;
    }
}
