package dev.tide.file;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shards of each key that a file's beacons list, kept for the file while this process has it open
 * ({@link SharedFile}), so that a key-wide seek reads every beacon once rather than at every seek.
 *
 * <p>A seek for all shards of a key must first learn the key's shards: the format has no index of them,
 * and a beacon lists only the streams of its own writing session. The first key-wide seek reads the
 * beacons from the start (a few KiB each; ~1,000 for 1 GiB with 1 MiB beacons); later ones read only
 * the beacons past the last one read. A beacon boundary that the file reaches but whose beacon is not
 * complete yet (being written) is read again next time. Frames only append, except when this process's
 * writer cuts the file back (a torn tail at open, a failed write): the writer then calls {@link #reset},
 * so no beacon past the cut is trusted. A file cut back by another process while this one has it open
 * is not noticed (neither is it by anything else that reads it).
 *
 * <p>Thread-safe: one lock around a survey, held while it reads beacons.
 */
final class ShardCatalog {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Set<Long>> shards = new HashMap<>();
    /** The next beacon boundary to read; 0 when nothing is read yet. */
    private long next;
    private long beaconsRead;

    /**
     * The shards of {@code key} that some beacon lists, reading the beacons not read yet.
     *
     * @param r a reader of the file (its position is not kept)
     * @return a new set, in unsigned order
     */
    Set<Long> shardsOf(SsReader r, String key) throws IOException {
        lock.lock();
        try {
            int interval = r.interval();
            long size = r.sourceSize();
            long b = next == 0 ? interval : next;
            r.smallWindows(true);
            try {
                for (; b < size; b += interval) {
                    Beacon beacon = r.beaconAt(b);
                    if (beacon == null) {
                        break; // not complete yet: read it again next time
                    }
                    beaconsRead++;
                    for (Marker m : beacon.markers()) {
                        shards.computeIfAbsent(m.key(), k -> new TreeSet<>(Long::compareUnsigned)).add(m.shard());
                    }
                }
            } finally {
                r.smallWindows(false);
            }
            next = b;
            Set<Long> known = new TreeSet<>(Long::compareUnsigned);
            Set<Long> of = shards.get(key);
            if (of != null) {
                known.addAll(of);
            }
            return known;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets everything: the file was cut back, its later beacons may differ. */
    void reset() {
        lock.lock();
        try {
            shards.clear();
            next = 0;
        } finally {
            lock.unlock();
        }
    }

    /** How many beacons the surveys have read (for tests). */
    long beaconsRead() {
        lock.lock();
        try {
            return beaconsRead;
        } finally {
            lock.unlock();
        }
    }
}
