package dev.tide.mem;

import dev.tide.Message;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A REAL_TIME or RESUMABLE consumer: it keeps its own position per shard; a RESUMABLE one starts after
 * its group's commits and records commits there. Created and used under the broker's lock.
 */
final class DirectConsumer extends MemConsumer {

    private final Map<ShardLog, Long> positions = new HashMap<>();
    /** The group's commits, or null for REAL_TIME. */
    private final Map<ShardLog, Long> commits;

    DirectConsumer(MemStreamer owner, List<StreamKey> keys, StreamReset reset, Map<ShardLog, Long> commits) {
        super(owner, keys);
        this.commits = commits;
        broker.forEachLog(keys, log -> {
            Long committed = commits == null ? null : commits.get(log);
            positions.put(log, committed != null ? committed + 1
                    : reset == StreamReset.EARLIEST ? log.firstSeq() : log.nextSeq());
        });
    }

    @Override
    Message take() {
        ShardLog.Entry best = null;
        ShardLog bestLog = null;
        for (StreamKey key : keys) {
            for (ShardLog log : broker.shards(key)) {
                ShardLog.Entry e = log.at(Math.max(positions.getOrDefault(log, log.firstSeq()), log.firstSeq()));
                if (e != null && (best == null || e.global() < best.global())) {
                    best = e;
                    bestLog = log;
                }
            }
        }
        if (best == null) {
            return null;
        }
        positions.put(bestLog, best.seq() + 1);
        return best.message();
    }

    @Override
    void position(ShardLog log, long seq) {
        positions.put(log, seq);
    }

    @Override
    boolean commits() {
        return commits != null;
    }

    @Override
    void commitLocked(ShardLog log, Message message) {
        commits.put(log, message.seq().value());
    }

    @Override
    void closeLocked() {
    }
}
