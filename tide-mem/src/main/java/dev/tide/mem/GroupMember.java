package dev.tide.mem;

import dev.tide.Message;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A LOAD_BALANCED member: it reads from its group's shared cursors, first serving messages that closed
 * members handed back; what it receives stays pending here until committed, and goes back to the group
 * when it closes. Created and used under the broker's lock.
 */
final class GroupMember extends MemConsumer {

    private final MemBroker.Group group;
    /** Delivered, not yet committed, per shard by sequence number. */
    private final Map<ShardLog, TreeMap<Long, ShardLog.Entry>> pending = new HashMap<>();

    GroupMember(MemStreamer owner, List<StreamKey> keys, MemBroker.Group group, StreamReset reset) {
        super(owner, keys);
        this.group = group;
        for (StreamKey key : keys) {
            if (group.started.add(key)) {
                for (ShardLog log : broker.shards(key)) {
                    group.cursors.put(log, reset == StreamReset.EARLIEST ? log.firstSeq() : log.nextSeq());
                }
            }
        }
    }

    @Override
    Message take() {
        ShardLog.Entry best = null;
        ShardLog bestLog = null;
        for (StreamKey key : keys) {
            for (ShardLog log : broker.shards(key)) {
                TreeMap<Long, ShardLog.Entry> back = group.returned.get(log);
                if (back != null && !back.isEmpty()) {
                    ShardLog.Entry e = back.firstEntry().getValue();
                    if (best == null || e.global() < best.global()) {
                        best = e;
                        bestLog = log;
                    }
                }
            }
        }
        if (best != null) {
            TreeMap<Long, ShardLog.Entry> back = group.returned.get(bestLog);
            back.pollFirstEntry();
            if (back.isEmpty()) {
                group.returned.remove(bestLog);
            }
            return hold(bestLog, best);
        }
        for (StreamKey key : keys) {
            for (ShardLog log : broker.shards(key)) {
                ShardLog.Entry e = log.at(Math.max(group.cursors.getOrDefault(log, log.firstSeq()), log.firstSeq()));
                if (e != null && (best == null || e.global() < best.global())) {
                    best = e;
                    bestLog = log;
                }
            }
        }
        if (best == null) {
            return null;
        }
        group.cursors.put(bestLog, best.seq() + 1);
        return hold(bestLog, best);
    }

    private Message hold(ShardLog log, ShardLog.Entry entry) {
        pending.computeIfAbsent(log, l -> new TreeMap<>()).put(entry.seq(), entry);
        return entry.message();
    }

    @Override
    void position(ShardLog log, long seq) {
        group.cursors.put(log, seq);
        group.returned.remove(log);
    }

    @Override
    boolean commits() {
        return true;
    }

    @Override
    void commitLocked(ShardLog log, Message message) {
        TreeMap<Long, ShardLog.Entry> held = pending.get(log);
        if (held != null) {
            held.headMap(message.seq().value(), true).clear();
            if (held.isEmpty()) {
                pending.remove(log);
            }
        }
    }

    @Override
    void closeLocked() {
        pending.forEach((log, held) -> group.returned.computeIfAbsent(log, l -> new TreeMap<>()).putAll(held));
        pending.clear();
    }
}
