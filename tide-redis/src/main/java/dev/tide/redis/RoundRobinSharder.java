package dev.tide.redis;

import dev.tide.StreamKey;
import java.util.concurrent.atomic.AtomicLong;

/** Shards 0, 1, … n-1, 0, …; every producer gets its own counter through {@link #forProducer()}. */
final class RoundRobinSharder implements Sharder {

    private final int n;
    private final AtomicLong next = new AtomicLong();

    RoundRobinSharder(int n) {
        this.n = n;
    }

    @Override
    public long shard(StreamKey key, byte[] payload) {
        return Long.remainderUnsigned(next.getAndIncrement(), n);
    }

    @Override
    public Sharder forProducer() {
        return new RoundRobinSharder(n);
    }

    @Override
    public String toString() {
        return "round-robin:" + n;
    }
}
