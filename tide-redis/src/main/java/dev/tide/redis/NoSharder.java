package dev.tide.redis;

import dev.tide.StreamKey;

/** The absence of a sharder: producers write to the plain stream key. */
final class NoSharder implements Sharder {

    static final NoSharder INSTANCE = new NoSharder();

    private NoSharder() {
    }

    @Override
    public long shard(StreamKey key, byte[] payload) {
        return 0;
    }

    @Override
    public String toString() {
        return "none";
    }
}
