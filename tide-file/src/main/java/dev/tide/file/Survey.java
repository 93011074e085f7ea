package dev.tide.file;

import java.io.IOException;
import java.util.List;

/**
 * Finding positions in a file through its beacons instead of reading it from the start.
 *
 * <ul>
 *   <li>{@link #tail}: the end of the data — start at the last beacon boundary, read the frames after
 *       it; step back one interval at a time only while that finds no complete frame. Reads at most a
 *       couple of intervals.</li>
 *   <li>{@link #lowerBound}: where the first message of a stream with seq ≥ n (or timestamp ≥ t) can
 *       be at the earliest — a binary search over the beacons: a beacon whose marker for the stream has
 *       a smaller seq (timestamp) than the target is "left" of it (every earlier message of that
 *       stream is smaller, markers holding the largest value so far); beacons without a marker for the
 *       stream are skipped over (up to 16 at a probe, else the search conservatively goes left). About
 *       log2(size / interval) beacon reads: a seek in a 1 GiB file with 1 MiB beacons reads ~10
 *       beacons and at most one interval of frames. For all shards of a key at once, the bound is the
 *       earliest of the bounds of every shard of the key that a beacon lists: a beacon lists only the
 *       streams of its own writing session, so a shard written only in an earlier session has no
 *       marker in later beacons and they cannot vouch for it. Finding the shards reads every beacon
 *       (a few KiB each; ~1,000 for 1 GiB with 1 MiB beacons) once per open file: a consumer's
 *       {@link ShardCatalog} keeps what they list and later reads only the beacons added since. A shard that no beacon lists at all
 *       (written only in a session that ended before a beacon listed it) cannot be found that way:
 *       with {@code scanUnlisted} ({@code file.seek-scan}) the frames before that bound are read for a
 *       message of such a shard at or after the target, so a key-wide bound then costs reading the file
 *       up to it (a per-shard bound never does).</li>
 * </ul>
 * This relies on sequence numbers and (largest-so-far) timestamps growing along the file for each
 * stream, as every writer of the format produces them. Not thread-safe; uses the given reader.
 */
final class Survey {

    /**
     * The end of a file's data.
     *
     * @param lastEnd the position after the last complete frame (128 when there is none)
     * @param appendPoint where new frames go: {@code lastEnd}, or the start of a trailing end-of-stream
     *     frame, which a new writing session overwrites
     * @param trailingEos whether the last complete frame is the end-of-stream marker
     */
    record Tail(long lastEnd, long appendPoint, boolean trailingEos) {
    }

    private Survey() {
    }

    /**
     * Finds the end of the data.
     *
     * @throws SsFormatException if the frames near the end are damaged
     */
    static Tail tail(SsReader r) throws IOException {
        int interval = r.interval();
        long size = sourceSize(r);
        long candidate = Math.max(Layout.HEADER_SIZE, size / interval * interval);
        while (true) {
            r.position(candidate);
            long lastEnd = -1;
            long beforeLast = -1;
            boolean lastEos = false;
            int count = 0;
            while (r.next() == SsReader.Status.FRAME) {
                beforeLast = lastEnd < 0 ? r.framePosition() : lastEnd;
                lastEnd = r.position();
                lastEos = r.isEos();
                count++;
            }
            boolean found = count > 0 && !(count == 1 && lastEos);
            if (found || candidate == Layout.HEADER_SIZE) {
                if (count == 0) {
                    return new Tail(Layout.HEADER_SIZE, Layout.HEADER_SIZE, false);
                }
                return new Tail(lastEnd, lastEos ? beforeLast : lastEnd, lastEos);
            }
            candidate = Math.max(Layout.HEADER_SIZE, candidate - interval);
        }
    }

    private static long sourceSize(SsReader r) throws IOException {
        return r.sourceSize();
    }

    /** What a beacon says about a target. */
    private enum Verdict { LEFT, RIGHT, UNDECIDED }

    /**
     * The latest position from which reading surely still finds the first message of {@code key}
     * (one shard, or all shards when {@code shard} is null) whose seq ({@code bySeq}) or timestamp is at
     * least {@code target}: a beacon boundary, or 128. For all shards of a key, shards that no beacon
     * lists are looked for only with {@code scanUnlisted}.
     */
    static long lowerBound(SsReader r, String key, Long shard, boolean bySeq, long target, boolean scanUnlisted)
            throws IOException {
        return lowerBound(r, null, key, shard, bySeq, target, scanUnlisted);
    }

    /**
     * {@link #lowerBound(SsReader, String, Long, boolean, long, boolean)}, learning a key's shards from
     * {@code catalog} (which reads only the beacons it has not read yet) when it is not null.
     */
    static long lowerBound(SsReader r, ShardCatalog catalog, String key, Long shard, boolean bySeq, long target,
            boolean scanUnlisted) throws IOException {
        if (shard != null) {
            return search(r, key, shard, bySeq, target);
        }
        java.util.Set<Long> listed = (catalog != null ? catalog : new ShardCatalog()).shardsOf(r, key);
        long bound = Long.MAX_VALUE;
        for (long s : listed) {
            bound = Math.min(bound, search(r, key, s, bySeq, target));
        }
        if (bound == Long.MAX_VALUE) {
            return Layout.HEADER_SIZE; // no beacon lists the key: read it all
        }
        return scanUnlisted ? unlisted(r, key, listed, bySeq, target, bound) : bound;
    }

    /**
     * A shard of {@code key} that no beacon lists (written only in a writing session too short for a
     * beacon to list it) may have a message at or after the target before {@code bound}: the beacons
     * cannot prove it absent, so this reads the frames before the bound and returns the beacon boundary
     * (or 128) at or before the first such message, or {@code bound} if there is none.
     */
    private static long unlisted(SsReader r, String key, java.util.Set<Long> listed, boolean bySeq, long target,
            long bound) throws IOException {
        if (bound <= Layout.HEADER_SIZE) {
            return bound;
        }
        int interval = r.interval();
        r.position(Layout.HEADER_SIZE);
        while (r.next() == SsReader.Status.FRAME && r.frameStart() < bound) {
            if (!listed.contains(r.shard()) && r.key().equals(key)) {
                boolean at = bySeq ? Long.compareUnsigned(r.seq(), target) >= 0 : r.timestamp() >= target;
                if (at) {
                    return Math.max(Layout.HEADER_SIZE, r.frameStart() / interval * interval);
                }
            }
        }
        return bound;
    }

    private static long search(SsReader r, String key, long shard, boolean bySeq, long target) throws IOException {
        int interval = r.interval();
        long size = sourceSize(r);
        int max = (int) Math.min(Integer.MAX_VALUE - 1, (size - 1) / interval);
        int lo = 1;
        int hi = max;
        int best = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int j = mid;
            Verdict v = Verdict.UNDECIDED;
            while (j <= hi && j - mid < 16) {
                v = verdict(r, (long) j * interval, key, shard, bySeq, target);
                if (v != Verdict.UNDECIDED) {
                    break;
                }
                j++;
            }
            if (v == Verdict.LEFT) {
                best = j;
                lo = j + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best == 0 ? Layout.HEADER_SIZE : (long) best * interval;
    }

    private static Verdict verdict(SsReader r, long at, String key, long shard, boolean bySeq, long target)
            throws IOException {
        Beacon b = r.beaconAt(at);
        if (b == null) {
            return Verdict.UNDECIDED;
        }
        for (Marker m : b.markers()) {
            if (m.key().equals(key) && m.shard() == shard) {
                boolean left = bySeq ? Long.compareUnsigned(m.seq(), target) < 0 : m.timestampMs() < target;
                return left ? Verdict.LEFT : Verdict.RIGHT;
            }
        }
        return Verdict.UNDECIDED;
    }
}
