package dev.tide.mem;

import dev.tide.Message;
import dev.tide.MessageHeader;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.time.Instant;

/**
 * The append-only log of one stream shard: sequence numbers from 1, timestamps that never go
 * backwards, at most {@code maxMessages} kept (0: all). Not thread-safe: the broker's lock guards it.
 *
 * <p>Entries sit in an array from {@code head} to {@code head + size}; the entry at index
 * {@code head + i} has sequence number {@code firstSeq + i}. Dropping the oldest entry advances
 * {@code head}; the array is compacted when the live part reaches its end.
 */
final class ShardLog {

    /** A stored message and its place in the broker-wide append order. */
    record Entry(Message message, long global) {
        long seq() {
            return message.seq().value();
        }
    }

    private final StreamKey key;
    private final ShardId shard;
    private final long maxMessages;
    private Entry[] entries = new Entry[16];
    private int head;
    private int size;
    private long firstSeq = 1;
    private Instant last = Instant.MIN;

    ShardLog(StreamKey key, ShardId shard, long maxMessages) {
        this.key = key;
        this.shard = shard;
        this.maxMessages = maxMessages;
    }

    StreamKey key() {
        return key;
    }

    ShardId shard() {
        return shard;
    }

    /** The sequence number of the oldest kept message (the next one's when the log is empty). */
    long firstSeq() {
        return firstSeq;
    }

    /** The sequence number the next appended message gets. */
    long nextSeq() {
        return firstSeq + size;
    }

    /** Stores a message stamped {@code now} (or the previous timestamp, if later) and returns it. */
    Entry append(byte[] payload, Instant now, long global) {
        if (now.isBefore(last)) {
            now = last;
        }
        last = now;
        MessageHeader header = new MessageHeader(key, shard, SeqNo.of(nextSeq()), now);
        Entry entry = new Entry(Message.of(header, payload), global);
        if (head + size == entries.length) {
            makeRoom();
        }
        entries[head + size] = entry;
        size++;
        if (maxMessages > 0 && size > maxMessages) {
            entries[head] = null;
            head++;
            size--;
            firstSeq++;
        }
        return entry;
    }

    private void makeRoom() {
        Entry[] target = size < entries.length / 2 ? entries : new Entry[entries.length * 2];
        System.arraycopy(entries, head, target, 0, size);
        if (target == entries) {
            java.util.Arrays.fill(entries, size, head + size, null);
        }
        entries = target;
        head = 0;
    }

    /**
     * The entry at a position.
     *
     * @param seq a position, at least {@link #firstSeq()}
     * @return the entry with that sequence number, or null if it is not stored yet
     */
    Entry at(long seq) {
        long index = seq - firstSeq;
        return index >= 0 && index < size ? entries[head + (int) index] : null;
    }

    /** The sequence number of the first kept message stamped at or after {@code time}, else {@link #nextSeq()}. */
    long seqAtOrAfter(Instant time) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (entries[head + mid].message().timestamp().isBefore(time)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return firstSeq + lo;
    }

    @Override
    public String toString() {
        return key + "/" + shard;
    }
}
