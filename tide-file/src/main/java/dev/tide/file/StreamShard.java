package dev.tide.file;

import java.nio.charset.StandardCharsets;

/**
 * A stream key and shard as the file stores them; ordered as SeaStreamer's writer orders its marker
 * state (key, then shard as unsigned). Immutable.
 */
final class StreamShard implements Comparable<StreamShard> {

    private final String key;
    private final long shard;
    private final byte[] keyBytes;

    StreamShard(String key, long shard) {
        this.key = key;
        this.shard = shard;
        this.keyBytes = key.getBytes(StandardCharsets.US_ASCII);
    }

    String key() {
        return key;
    }

    long shard() {
        return shard;
    }

    /** The key's bytes; callers must not modify them. */
    byte[] keyBytes() {
        return keyBytes;
    }

    @Override
    public int compareTo(StreamShard o) {
        int c = Layout.compareKeys(key, o.key);
        return c != 0 ? c : Long.compareUnsigned(shard, o.shard);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamShard s && s.shard == shard && s.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Long.hashCode(shard);
    }

    @Override
    public String toString() {
        return key + "/" + Long.toUnsignedString(shard);
    }
}
