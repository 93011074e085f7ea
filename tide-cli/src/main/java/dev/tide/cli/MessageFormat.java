package dev.tide.cli;

import dev.tide.Message;
import dev.tide.ShardId;
import dev.tide.Timestamps;

/** How {@code consume} prints a message: one line each. */
enum MessageFormat {

    /** The payload's bytes as they are. */
    PAYLOAD("payload") {
        @Override
        void write(Message m, LineOutput out) {
            out.write(m.bytes());
            out.endLine();
        }
    },

    /**
     * The stdio backend's line, which {@code stdio://} consumers read back:
     * {@code [2026-01-01T00:00:00 | key | seq] payload}, with {@code | shard} after the sequence number
     * when the shard is not 0. Whole seconds, UTC.
     */
    STDIO("stdio") {
        @Override
        void write(Message m, LineOutput out) {
            StringBuilder sb = new StringBuilder(64).append('[').append(Timestamps.formatSeconds(m.timestamp()))
                    .append(" | ").append(m.key().name()).append(" | ").append(m.seq());
            if (!m.shard().equals(ShardId.ZERO)) {
                sb.append(" | ").append(m.shard());
            }
            out.write(sb.append("] ").toString());
            out.write(m.bytes());
            out.endLine();
        }
    },

    /**
     * {@code ss-decode}'s log line: {@code [2026-01-01T00:00:00.25 | key | seq | shard] payload}, with
     * {@code <BINARY BLOB>} for a payload that is not UTF-8.
     */
    LOG("log") {
        @Override
        void write(Message m, LineOutput out) {
            out.write("[" + Timestamps.format(m.timestamp()) + " | " + m.key().name() + " | " + m.seq() + " | "
                    + m.shard() + "] ");
            if (m.isUtf8()) {
                out.write(m.bytes());
            } else {
                out.write("<BINARY BLOB>");
            }
            out.endLine();
        }
    },

    /**
     * One JSON object per line, with {@code ss-decode}'s header fields:
     * {@code {"header":{"stream_key":"k","shard_id":0,"sequence":1,"timestamp":"…"},"payload":"…"}}. The
     * payload is a JSON string, or an array of byte values when it is not UTF-8.
     */
    NDJSON("ndjson") {
        @Override
        void write(Message m, LineOutput out) {
            StringBuilder sb = new StringBuilder(96 + m.size());
            sb.append("{\"header\":{\"stream_key\":");
            Json.quote(m.key().name(), sb);
            sb.append(",\"shard_id\":").append(m.shard()).append(",\"sequence\":").append(m.seq())
                    .append(",\"timestamp\":");
            Json.quote(Timestamps.format(m.timestamp()), sb);
            sb.append("},\"payload\":");
            if (m.isUtf8()) {
                Json.quote(m.asString(), sb);
            } else {
                sb.append('[');
                for (int i = 0; i < m.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    sb.append(m.byteAt(i) & 0xFF);
                }
                sb.append(']');
            }
            out.line(sb.append('}').toString());
        }
    };

    private final String text;

    MessageFormat(String text) {
        this.text = text;
    }

    /** The command-line spelling. */
    String text() {
        return text;
    }

    /**
     * Writes one message as one line.
     *
     * @param m the message
     * @param out where
     */
    abstract void write(Message m, LineOutput out);
}
