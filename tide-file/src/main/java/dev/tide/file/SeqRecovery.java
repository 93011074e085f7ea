package dev.tide.file;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The last sequence number of each stream of an existing file, found lazily, from the end backwards,
 * so that a reopened file continues every stream's numbering.
 *
 * <p>Each lookup scans intervals backwards from where the previous lookup stopped: the frames of one
 * interval (from its beacon to the next), then the beacon at its start, whose markers give the last
 * seq of every stream listed (they hold the largest seq so far, and everything after that beacon has
 * been scanned). A stream that appears near the end of the file — the usual case — costs one or two
 * intervals; every scanned stream is remembered, so all lookups together read the file at most once;
 * only a stream that is not in the file at all needs the scan to reach the start. SeaStreamer reads the
 * whole file forwards instead. Not thread-safe: the writer serialises lookups.
 */
final class SeqRecovery {

    private final SsReader reader;
    private final long appendPoint;
    private final int interval;
    private final Map<StreamShard, Long> resolved = new HashMap<>();
    private long nextInterval;
    private boolean complete;

    SeqRecovery(SsReader reader, long appendPoint) {
        this.reader = reader;
        this.appendPoint = appendPoint;
        this.interval = reader.interval();
        this.nextInterval = (appendPoint - 1) / interval;
        this.complete = appendPoint <= Layout.HEADER_SIZE + Layout.BEACON_OVERHEAD;
    }

    /**
     * The last seq of a stream in the file, or empty if the stream is not in it.
     *
     * @throws SsFormatException if a scanned part of the file is damaged
     */
    java.util.OptionalLong lastSeq(StreamShard stream) throws IOException {
        while (!resolved.containsKey(stream) && !complete) {
            scanPreviousInterval();
        }
        Long seq = resolved.get(stream);
        return seq == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(seq);
    }

    private void scanPreviousInterval() throws IOException {
        long i = nextInterval--;
        long start = i == 0 ? Layout.HEADER_SIZE : i * interval;
        long end = Math.min((i + 1) * interval, appendPoint);
        Map<StreamShard, Long> found = new HashMap<>();
        reader.position(start);
        while (reader.next() == SsReader.Status.FRAME && reader.framePosition() < end) {
            if (reader.frameStart() >= appendPoint) {
                break;
            }
            if (!Layout.INTERNAL_KEY.equals(reader.key())) {
                found.put(new StreamShard(reader.key(), reader.shard()), reader.seq());
            }
        }
        found.forEach(resolved::putIfAbsent);
        if (i >= 1) {
            Beacon b = reader.beaconAt(i * interval);
            if (b != null) {
                for (Marker m : b.markers()) {
                    if (!Layout.INTERNAL_KEY.equals(m.key())) {
                        resolved.putIfAbsent(new StreamShard(m.key(), m.shard()), m.seq());
                    }
                }
            }
        } else {
            complete = true;
        }
    }
}
