package dev.tide.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Random-access bytes that may grow (a file being written): what {@link SsReader} reads. */
interface ByteSource {

    /**
     * Reads up to {@code len} bytes at {@code pos}; fewer only at the current end.
     *
     * @return the number of bytes read, 0 at or past the end
     */
    int read(long pos, byte[] dst, int off, int len) throws IOException;

    /** The current size. */
    long size() throws IOException;

    /** A source over a file channel; positional reads, so several readers may share the channel. */
    static ByteSource of(FileChannel channel) {
        return new ByteSource() {
            @Override
            public int read(long pos, byte[] dst, int off, int len) throws IOException {
                ByteBuffer bb = ByteBuffer.wrap(dst, off, len);
                int total = 0;
                while (bb.hasRemaining()) {
                    int n = channel.read(bb, pos + total);
                    if (n <= 0) {
                        break;
                    }
                    total += n;
                }
                return total;
            }

            @Override
            public long size() throws IOException {
                return channel.size();
            }
        };
    }

    /** A source over bytes in memory (tests, fuzzing). */
    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            @Override
            public int read(long pos, byte[] dst, int off, int len) {
                if (pos >= bytes.length) {
                    return 0;
                }
                int n = (int) Math.min(len, bytes.length - pos);
                System.arraycopy(bytes, (int) pos, dst, off, n);
                return n;
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
    }
}
