package dev.tide.file;

import java.util.HashMap;
import java.util.Map;

/**
 * Which frames a reader passes on, per stream: a stream's gate opens at a position, optionally at the
 * first frame (from there on) whose seq or timestamp reaches a target. Positions are reader positions
 * ({@link SsReader#framePosition()}). A gate can be set for one stream and shard, for all shards of a
 * key, or as the default for every other stream; a key-wide or default gate with a target is copied per
 * shard on first use, so each shard finds its own first message. Not thread-safe: owned by one reader
 * thread, changed only while that reader is stopped.
 */
final class Gates {

    static final int OPEN = 0;
    static final int SEQ = 1;
    static final int TIME = 2;

    /** One gate. */
    static final class Gate {
        final long minPosition;
        final int kind;
        final long target;
        boolean started;

        Gate(long minPosition, int kind, long target) {
            this.minPosition = minPosition;
            this.kind = kind;
            this.target = target;
        }

        /** The gate, opening no earlier than {@code position}. */
        Gate raised(long position) {
            Gate g = new Gate(Math.max(minPosition, position), kind, target);
            g.started = started;
            return g;
        }

        Gate copy() {
            return raised(minPosition);
        }

        boolean admit(long seq, long ts, long position) {
            if (position < minPosition) {
                return false;
            }
            if (!started) {
                started = switch (kind) {
                    case SEQ -> Long.compareUnsigned(seq, target) >= 0;
                    case TIME -> ts >= target;
                    default -> true;
                };
            }
            return started;
        }
    }

    Gate defaults;
    final Map<String, Gate> byKey = new HashMap<>();
    final Map<StreamShard, Gate> byStream = new HashMap<>();
    private long openFrom = Long.MAX_VALUE;

    Gates(Gate defaults) {
        this.defaults = defaults;
        recompute();
    }

    /** Call after changing the maps or the default. */
    void recompute() {
        long max = defaults.kind == OPEN ? defaults.minPosition : Long.MAX_VALUE;
        for (Gate g : byKey.values()) {
            max = g.kind == OPEN ? Math.max(max, g.minPosition) : Long.MAX_VALUE;
        }
        for (Gate g : byStream.values()) {
            max = g.kind == OPEN || g.started ? Math.max(max, g.minPosition) : Long.MAX_VALUE;
        }
        openFrom = max;
    }

    /** Whether the frame at {@code position} of this stream passes. */
    boolean admit(String key, long shard, long seq, long ts, long position) {
        if (position >= openFrom) {
            return true;
        }
        Gate g = byStream.isEmpty() ? null : byStream.get(new StreamShard(key, shard));
        if (g == null) {
            Gate wide = byKey.getOrDefault(key, defaults);
            if (wide.kind == OPEN) {
                return position >= wide.minPosition;
            }
            g = wide.copy();
            byStream.put(new StreamShard(key, shard), g);
        }
        return g.admit(seq, ts, position);
    }

    /** Every gate, opening no earlier than {@code position} (streams that keep their place on a seek). */
    void raiseAll(long position) {
        defaults = defaults.raised(position);
        byKey.replaceAll((k, g) -> g.raised(position));
        byStream.replaceAll((k, g) -> g.raised(position));
        recompute();
    }
}
