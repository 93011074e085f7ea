package dev.tide;

/**
 * A shard of a stream: a Kafka partition, a Redis key suffix, a file's shard field. An unsigned 64-bit
 * number, printed as a plain decimal.
 *
 * @param id the shard number, read as unsigned
 */
public record ShardId(long id) implements Comparable<ShardId> {

    /** Shard 0, the only shard of an unsharded stream. */
    public static final ShardId ZERO = new ShardId(0);

    /**
     * The shard with the given number.
     *
     * @param id the shard number, read as unsigned
     * @return the shard
     */
    public static ShardId of(long id) {
        return id == 0 ? ZERO : new ShardId(id);
    }

    @Override
    public int compareTo(ShardId other) {
        return Long.compareUnsigned(id, other.id);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(id);
    }
}
