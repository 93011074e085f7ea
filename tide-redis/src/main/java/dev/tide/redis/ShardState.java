package dev.tide.redis;

import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.util.HashSet;

/**
 * What a consumer knows about one Redis key it reads (one shard of one stream). Every field is guarded
 * by the owning consumer's lock.
 *
 * <p>Group modes track the entries this consumer holds, so that re-reading its pending list (after a
 * reconnection) or claiming idle entries never hands the application an entry twice: {@link #buffered}
 * (fetched, not yet returned by {@code next()}), {@link #delivered} (returned, not acknowledged) and
 * {@link #pendingAck} (acknowledged by the application or due for automatic acknowledgement, XACK not yet
 * confirmed).
 */
final class ShardState {

    final String redisKey;
    final StreamKey key;
    final ShardId shard;
    final int slot;

    /** REAL_TIME: the last id read; the next XREAD asks for entries after it. */
    EntryId position = EntryId.ZERO;

    /** Group modes: read this consumer's pending entries (XREADGROUP from an id) before new ones. */
    boolean replay;

    /** Group modes: where the pending-entry replay continues. */
    EntryId replayCursor = EntryId.ZERO;

    /** LOAD_BALANCED: where the XAUTOCLAIM scan continues ({@link EntryId#ZERO} starts a new round). */
    EntryId claimCursor = EntryId.ZERO;

    // Hash sets, not sorted sets: every message passes through two or three of them (several operations
    // each, on the application's thread), while only commit(message) needs an order, and it filters.
    final HashSet<EntryId> buffered = new HashSet<>();
    final HashSet<EntryId> delivered = new HashSet<>();
    final HashSet<EntryId> pendingAck = new HashSet<>();

    ShardState(String redisKey, StreamKey key, ShardId shard, int slot) {
        this.redisKey = redisKey;
        this.key = key;
        this.shard = shard;
        this.slot = slot;
    }

    /** Whether this consumer holds the entry (buffered, delivered or being acknowledged). */
    boolean holds(EntryId id) {
        return buffered.contains(id) || delivered.contains(id) || pendingAck.contains(id);
    }

    @Override
    public String toString() {
        return redisKey;
    }
}
