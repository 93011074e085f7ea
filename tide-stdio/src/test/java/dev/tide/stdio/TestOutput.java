package dev.tide.stdio;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/** An output stream that records what is written, and how often it was flushed. */
final class TestOutput extends OutputStream {

    private final ReentrantLock lock = new ReentrantLock();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger flushes = new AtomicInteger();

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        lock.lock();
        try {
            writes.incrementAndGet();
            bytes.write(b, off, len);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
        flushes.incrementAndGet();
    }

    /** Everything written, as UTF-8. */
    String text() {
        lock.lock();
        try {
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            lock.unlock();
        }
    }

    /** The complete lines written so far. */
    List<String> lines() {
        String t = text();
        int end = t.lastIndexOf('\n');
        return end < 0 ? List.of() : Arrays.asList(t.substring(0, end).split("\n", -1));
    }

    int writes() {
        return writes.get();
    }

    int flushes() {
        return flushes.get();
    }
}
