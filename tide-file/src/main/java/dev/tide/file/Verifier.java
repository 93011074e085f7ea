package dev.tide.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a whole {@code .ss} file: the header (including its padding), every frame (structure, stream
 * key, timestamp range, checksum, trailing 0x0D) and every beacon (0x0D at both ends, marker count,
 * "remaining bytes" against the frame it cuts). Marker contents are compared with the frames before
 * them (largest seq and timestamp, running checksum) and differences reported as warnings: readers do
 * not rely on them, and running checksums legitimately restart with each writing session.
 */
final class Verifier {

    /** What the file is. */
    enum Verdict { CLEAN, TORN, CORRUPT }

    /**
     * The result.
     *
     * @param verdict clean, torn tail, or corrupt
     * @param header the header, if it could be read
     * @param messages complete frames before the end or the damage (end-of-stream included)
     * @param beacons beacons read
     * @param eos whether the last frame is the end-of-stream marker
     * @param goodEnd the position after the last complete frame (where a repair cuts)
     * @param size the file size
     * @param problemOffset where the damage or the torn frame starts
     * @param problem what is wrong (empty when clean)
     * @param warnings marker differences
     */
    record Report(Verdict verdict, FileHeader header, long messages, long beacons, boolean eos, long goodEnd, long size,
            long problemOffset, String problem, List<String> warnings) {
    }

    private static final class StreamState {
        long seq;
        long ts;
        int crc = Crc16.INIT;
        boolean any;
    }

    private Verifier() {
    }

    static Report verify(ByteSource src) throws IOException {
        long size = src.size();
        List<String> warnings = new ArrayList<>();
        SsReader r = new SsReader(src);
        FileHeader header;
        try {
            if (r.readHeader() != SsReader.Status.FRAME) {
                return new Report(Verdict.CORRUPT, null, 0, 0, false, 0, size, 0,
                        "the file is " + size + " bytes, shorter than the 128-byte header", warnings);
            }
            header = r.header();
        } catch (SsFormatException e) {
            return new Report(Verdict.CORRUPT, null, 0, 0, false, 0, size, e.offset(), e.problem(), warnings);
        }
        byte[] h = new byte[Layout.HEADER_SIZE];
        src.read(0, h, 0, h.length);
        int pad = FileHeader.paddingProblem(h);
        if (pad >= 0) {
            return new Report(Verdict.CORRUPT, header, 0, 0, false, Layout.HEADER_SIZE, size, pad,
                    pad == Layout.HEADER_SIZE - 1 ? "the header's last byte is not 0x0D" : "the header's padding is not zero",
                    warnings);
        }
        Map<StreamShard, StreamState> states = new HashMap<>();
        long messages = 0;
        long beacons = 0;
        boolean eos = false;
        Beacon seen = null;
        while (true) {
            long before = r.position();
            beacons = (before - 1) / r.interval();
            SsReader.Status s;
            try {
                s = r.next();
            } catch (SsFormatException e) {
                if (zeroFrom(src, before, size)) {
                    return new Report(Verdict.TORN, header, messages, beacons, eos, before, size, before,
                            "the file ends with " + (size - before) + " zero bytes instead of a frame", warnings);
                }
                return new Report(Verdict.CORRUPT, header, messages, beacons, eos, before, size, e.offset(), e.problem(),
                        warnings);
            }
            if (s == SsReader.Status.END) {
                return new Report(Verdict.CLEAN, header, messages, beacons, eos, before, size, -1, "", warnings);
            }
            if (s == SsReader.Status.TORN) {
                return new Report(Verdict.TORN, header, messages, beacons, eos, before, size, before,
                        "the file ends inside the frame (or beacon) at byte offset " + before, warnings);
            }
            messages++;
            eos = r.isEos();
            StreamShard stream = new StreamShard(r.key(), r.shard());
            Beacon b = r.lastBeacon();
            if (b != null && b != seen) {
                seen = b;
                boolean cut = r.frameStart() < b.offset();
                checkMarkers(b, states, cut ? stream : null, r, warnings);
            }
            StreamState st = states.computeIfAbsent(stream, k -> new StreamState());
            apply(st, r.seq(), r.timestamp(), r.checksum());
        }
    }

    private static void apply(StreamState st, long seq, long ts, int checksum) {
        if (!st.any || Long.compareUnsigned(seq, st.seq) > 0) {
            st.seq = seq;
        }
        if (!st.any || ts > st.ts) {
            st.ts = ts;
        }
        st.any = true;
        st.crc = Crc16.update(Crc16.update(st.crc, checksum >>> 8), checksum & 0xFF);
    }

    private static void checkMarkers(Beacon b, Map<StreamShard, StreamState> states, StreamShard cut, SsReader r,
            List<String> warnings) {
        for (Marker m : b.markers()) {
            StreamShard s = new StreamShard(m.key(), m.shard());
            StreamState known = states.get(s);
            StreamState st = new StreamState();
            if (known != null) {
                st.seq = known.seq;
                st.ts = known.ts;
                st.crc = known.crc;
                st.any = known.any;
            }
            if (s.equals(cut)) {
                apply(st, r.seq(), r.timestamp(), r.checksum());
            }
            if (!st.any) {
                warnings.add("the beacon at " + b.offset() + " has a marker for " + s + ", which has no message before it");
                continue;
            }
            if (st.seq != m.seq() || st.ts != m.timestampMs()) {
                warnings.add("the beacon at " + b.offset() + " says " + s + " is at seq " + Long.toUnsignedString(m.seq())
                        + " / " + m.timestampMs() + " ms, the messages before it reach seq " + Long.toUnsignedString(st.seq)
                        + " / " + st.ts + " ms");
            } else if (st.crc != m.runningChecksum()) {
                warnings.add(String.format("the beacon at %d has running checksum 0x%04X for %s, the messages before it"
                        + " give 0x%04X (expected after a new writing session)", b.offset(), m.runningChecksum(), s, st.crc));
            }
        }
    }

    private static boolean zeroFrom(ByteSource src, long from, long size) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long p = from;
        while (p < size) {
            int n = src.read(p, buf, 0, (int) Math.min(buf.length, size - p));
            if (n <= 0) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] != 0) {
                    return false;
                }
            }
            p += n;
        }
        return p > from;
    }

    /**
     * Every readable frame of a damaged file: after damage, the next position at which a whole frame
     * reads (and checks out) again. Calls {@code sink} for each frame; returns the offsets skipped from.
     */
    static List<Long> salvage(ByteSource src, FrameSink sink) throws IOException {
        SsReader r = new SsReader(src);
        r.readHeader();
        List<Long> skipped = new ArrayList<>();
        long size = src.size();
        while (true) {
            long before = r.position();
            SsReader.Status s;
            try {
                s = r.next();
            } catch (SsFormatException e) {
                skipped.add(before);
                if (!resync(r, before + 1, size)) {
                    return skipped;
                }
                s = SsReader.Status.FRAME;
            }
            if (s != SsReader.Status.FRAME) {
                return skipped;
            }
            if (r.isEos()) {
                continue;
            }
            sink.frame(r);
        }
    }

    /** Frame consumer for {@link #salvage}. */
    interface FrameSink {
        void frame(SsReader r) throws IOException;
    }

    private static boolean resync(SsReader r, long from, long size) throws IOException {
        for (long q = from; q < size; q++) {
            try {
                r.position(q);
                if (r.next() == SsReader.Status.FRAME) {
                    return true;
                }
            } catch (SsFormatException e) {
                // not a frame here
            }
        }
        return false;
    }
}
