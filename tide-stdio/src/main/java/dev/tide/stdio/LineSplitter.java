package dev.tide.stdio;

import java.util.Arrays;

/*
 * Cuts a byte stream into lines. A line is every byte up to a '\n'; only that one '\n' is removed, so a
 * '\r' before it stays part of the line (as in SeaStreamer). Bytes after the last '\n' form a final line
 * when the input ends. Lines are numbered from 1. A line longer than the limit is not kept: its first
 * bytes and its full length are reported instead, and the next line is unaffected.
 *
 * Not thread-safe: used by one reader thread.
 */
final class LineSplitter {

    /** Receives the lines; each method returns false to stop splitting. */
    interface Sink {

        /**
         * A complete line.
         *
         * @param number the line number, from 1
         * @param line the line's bytes, a fresh array the sink may keep
         * @return true to go on
         */
        boolean line(long number, byte[] line);

        /**
         * A line longer than the limit.
         *
         * @param number the line number, from 1
         * @param head the line's first bytes
         * @param length its full length in bytes
         * @return true to go on
         */
        boolean overlong(long number, byte[] head, long length);
    }

    /** How many bytes of an over-long line are kept for the report. */
    static final int HEAD = 256;

    private final int maxLength;
    private byte[] pending = new byte[128];
    private int pendingLength;
    private long dropped;
    private long number;

    /**
     * @param maxLength the longest line kept, in bytes (at least 1)
     */
    LineSplitter(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("max line length must be positive: " + maxLength);
        }
        this.maxLength = maxLength;
    }

    /**
     * Splits more input.
     *
     * @return false if the sink asked to stop
     */
    boolean feed(byte[] buf, int off, int len, Sink sink) {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (buf[i] == '\n') {
                append(buf, start, i);
                start = i + 1;
                if (!emit(sink)) {
                    return false;
                }
            }
        }
        append(buf, start, end);
        return true;
    }

    /**
     * Ends the input: emits the bytes after the last '\n' as a final line, if there are any.
     *
     * @return false if the sink asked to stop
     */
    boolean finish(Sink sink) {
        return pendingLength == 0 && dropped == 0 || emit(sink);
    }

    /** The longest line kept, in bytes. */
    int maxLength() {
        return maxLength;
    }

    /** The number of the last line emitted. */
    long lines() {
        return number;
    }

    private void append(byte[] buf, int from, int to) {
        int n = to - from;
        if (n == 0) {
            return;
        }
        int room = maxLength - pendingLength;
        int keep = Math.min(n, Math.max(room, 0));
        if (keep > 0) {
            if (pendingLength + keep > pending.length) {
                pending = Arrays.copyOf(pending, (int) Math.min(maxLength, Math.max(pending.length * 2L, pendingLength + keep)));
            }
            System.arraycopy(buf, from, pending, pendingLength, keep);
            pendingLength += keep;
        }
        dropped += n - keep;
    }

    private boolean emit(Sink sink) {
        number++;
        boolean go;
        if (dropped > 0) {
            go = sink.overlong(number, Arrays.copyOf(pending, Math.min(pendingLength, HEAD)), pendingLength + dropped);
        } else {
            go = sink.line(number, Arrays.copyOf(pending, pendingLength));
        }
        pendingLength = 0;
        dropped = 0;
        if (pending.length > 64 * 1024) {
            pending = new byte[128];
        }
        return go;
    }
}
