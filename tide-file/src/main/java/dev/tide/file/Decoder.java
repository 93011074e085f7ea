package dev.tide.file;

import dev.tide.Timestamps;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Prints frames the way SeaStreamer's {@code ss-decode} does, byte for byte: the header line, one line
 * per message, and after a message that crossed a beacon one line with that beacon's markers.
 * Not thread-safe.
 */
final class Decoder {

    private static final byte[] BLOB = " <BINARY BLOB>".getBytes(StandardCharsets.US_ASCII);

    private final FileTools.Format format;
    private final boolean headerOnly;
    private final Bytes line = new Bytes(1024);
    private final StringBuilder sb = new StringBuilder(256);
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private int beacon;

    Decoder(FileTools.Format format, boolean headerOnly) {
        this.format = format;
        this.headerOnly = headerOnly;
    }

    /** Writes the header line. */
    void header(FileHeader h, OutputStream out) throws IOException {
        sb.setLength(0);
        sb.append(format == FileTools.Format.LOG ? "# " : "/* ");
        sb.append("{\"file_name\":");
        SerdeJson.appendString(sb, h.fileName());
        sb.append(",\"created_at\":\"").append(Timestamps.format(Instant.ofEpochMilli(h.createdAtMs())))
                .append("\",\"beacon_interval\":").append(Integer.toUnsignedString(h.beaconInterval())).append('}');
        if (format == FileTools.Format.NDJSON) {
            sb.append(" */");
        }
        sb.append('\n');
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the current frame of {@code r} and, if it crossed a beacon, the beacon line. */
    void frame(SsReader r, OutputStream out) throws IOException {
        line.clear();
        String ts = Timestamps.format(Instant.ofEpochMilli(r.timestamp()));
        if (format == FileTools.Format.LOG) {
            ascii("[" + ts + " | " + r.key() + " | " + Long.toUnsignedString(r.seq()) + " | "
                    + Long.toUnsignedString(r.shard()) + "]");
            if (!headerOnly) {
                if (isUtf8(r.payloadArray(), r.payloadOffset(), r.payloadLength())) {
                    line.put(' ').put(r.payloadArray(), r.payloadOffset(), r.payloadLength());
                } else {
                    line.put(BLOB);
                }
            }
        } else {
            sb.setLength(0);
            sb.append("{\"header\":");
            headerJson(sb, r.key(), r.shard(), r.seq(), r.timestamp());
            sb.append(",\"payload\":");
            if (headerOnly) {
                sb.append("null");
            } else {
                String text = utf8(r.payloadArray(), r.payloadOffset(), r.payloadLength());
                if (text != null) {
                    SerdeJson.appendPayload(sb, text);
                } else {
                    sb.append('[');
                    for (int i = 0; i < r.payloadLength(); i++) {
                        if (i > 0) {
                            sb.append(',');
                        }
                        sb.append(r.payloadArray()[r.payloadOffset() + i] & 0xFF);
                    }
                    sb.append(']');
                }
            }
            sb.append('}');
            line.put(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        line.put('\n');
        if (r.beaconIndex() != beacon) {
            beacon = r.beaconIndex();
            sb.setLength(0);
            sb.append(format == FileTools.Format.LOG ? "# " : "/* ");
            markersJson(sb, r.markers());
            if (format == FileTools.Format.NDJSON) {
                sb.append(" */");
            }
            sb.append('\n');
            line.put(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        out.write(line.array(), 0, line.length());
    }

    /** Writes the current frame of {@code r} as a log line, without beacon lines (for tail). */
    void line(SsReader r, OutputStream out) throws IOException {
        int saved = beacon;
        beacon = r.beaconIndex();
        frame(r, out);
        beacon = saved;
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            line.put(s.charAt(i));
        }
    }

    static void headerJson(StringBuilder sb, String key, long shard, long seq, long ts) {
        sb.append("{\"stream_key\":");
        SerdeJson.appendString(sb, key);
        sb.append(",\"shard_id\":").append(Long.toUnsignedString(shard)).append(",\"sequence\":")
                .append(Long.toUnsignedString(seq)).append(",\"timestamp\":\"")
                .append(Timestamps.format(Instant.ofEpochMilli(ts))).append("\"}");
    }

    static void markersJson(StringBuilder sb, List<Marker> markers) {
        sb.append('[');
        for (int i = 0; i < markers.size(); i++) {
            Marker m = markers.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"header\":");
            headerJson(sb, m.key(), m.shard(), m.seq(), m.timestampMs());
            sb.append(",\"running_checksum\":").append(m.runningChecksum()).append('}');
        }
        sb.append(']');
    }

    private boolean isUtf8(byte[] a, int off, int len) {
        return utf8(a, off, len) != null;
    }

    private String utf8(byte[] a, int off, int len) {
        try {
            CharBuffer cb = utf8.reset().decode(ByteBuffer.wrap(a, off, len));
            return cb.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
