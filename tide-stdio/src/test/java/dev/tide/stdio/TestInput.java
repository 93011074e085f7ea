package dev.tide.stdio;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;

/** An input stream a test feeds: reads block until bytes are fed or {@link #end()} is called. */
final class TestInput extends InputStream {

    private static final byte[] EOF = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    /** Feeds text, encoded as UTF-8. */
    TestInput feed(String text) {
        return feed(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Feeds bytes. */
    TestInput feed(byte[] bytes) {
        chunks.add(bytes.clone());
        return this;
    }

    /** Ends the input: reads return -1 once everything fed is read. */
    void end() {
        chunks.add(EOF);
    }

    @Override
    public int read() throws InterruptedIOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws InterruptedIOException {
        if (len == 0) {
            return 0;
        }
        while (!ended && position == current.length) {
            byte[] next;
            try {
                next = chunks.take();
            } catch (InterruptedException e) {
                throw new InterruptedIOException("interrupted while waiting for test input");
            }
            if (next == EOF) {
                ended = true;
            } else {
                current = next;
                position = 0;
            }
        }
        if (position == current.length) {
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }
}
