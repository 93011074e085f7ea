package dev.tide.redis;

import dev.tide.StreamKey;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Chooses the shard of each message a producer sends without naming one; set with
 * {@link RedisOptions#SHARDER}. Shard {@code n} of stream {@code s} is the Redis key {@code s:n}, as in
 * SeaStreamer. Without a sharder, messages go to the plain key {@code s} (shard 0).
 *
 * <p>Each producer calls {@link #forProducer()} once and then uses only the returned instance, from its
 * own sender path: {@link #shard} is called on the thread that calls {@code send}, so an implementation
 * that keeps state must be thread-safe (the built-in ones are).
 */
@FunctionalInterface
public interface Sharder {

    /**
     * The shard for a message.
     *
     * @param key the stream
     * @param payload the message's bytes; must not be modified
     * @return the shard number, read as unsigned
     */
    long shard(StreamKey key, byte[] payload);

    /**
     * The instance one producer uses. The default shares this instance; stateful sharders return a
     * fresh one so that every producer starts from the same state (SeaStreamer creates one sharder per
     * producer).
     *
     * @return the instance for a new producer
     */
    default Sharder forProducer() {
        return this;
    }

    /**
     * No sharding: every message goes to the plain key {@code s}, read back as shard 0. The default.
     *
     * @return the sharder
     */
    static Sharder none() {
        return NoSharder.INSTANCE;
    }

    /**
     * Cycles through shards {@code 0 … n-1}, starting at 0 for every producer (SeaStreamer's
     * {@code RoundRobinSharder}).
     *
     * @param n the number of shards, at least 1
     * @return the sharder
     * @throws IllegalArgumentException if {@code n < 1}
     */
    static Sharder roundRobin(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("shard count must be at least 1: " + n);
        }
        return new RoundRobinSharder(n);
    }

    /**
     * Picks the shard from a hash of the whole payload: equal payloads always land on the same shard.
     *
     * @param n the number of shards, at least 1
     * @return the sharder
     * @throws IllegalArgumentException if {@code n < 1}
     */
    static Sharder byHash(int n) {
        return byKeyHash(n, payload -> payload);
    }

    /**
     * Picks the shard from a hash of a key taken from each payload (an order id, a user id...), so all
     * messages with the same key land on the same shard and keep their order. The hash is 64-bit FNV-1a
     * of the key bytes, reduced modulo {@code n} as an unsigned number: stable across JVMs and releases.
     *
     * @param n the number of shards, at least 1
     * @param keyOf extracts the key bytes from a payload
     * @return the sharder
     * @throws IllegalArgumentException if {@code n < 1}
     */
    static Sharder byKeyHash(int n, Function<byte[], byte[]> keyOf) {
        if (n < 1) {
            throw new IllegalArgumentException("shard count must be at least 1: " + n);
        }
        Objects.requireNonNull(keyOf, "keyOf");
        return (key, payload) -> Long.remainderUnsigned(fnv1a(keyOf.apply(payload)), n);
    }

    /**
     * Parses the text form used on command lines: {@code none}, {@code round-robin:N} or {@code hash:N}.
     *
     * @param text the text
     * @return the sharder
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    static Sharder parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("none")) {
            return none();
        }
        int colon = t.indexOf(':');
        if (colon > 0) {
            try {
                int n = Integer.parseInt(t.substring(colon + 1));
                switch (t.substring(0, colon)) {
                    case "round-robin", "roundrobin" -> {
                        return roundRobin(n);
                    }
                    case "hash" -> {
                        return byHash(n);
                    }
                    default -> {
                        // reported below
                    }
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("invalid sharder \"" + text + "\": expected none, round-robin:N or hash:N");
    }

    /** 64-bit FNV-1a. */
    private static long fnv1a(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
