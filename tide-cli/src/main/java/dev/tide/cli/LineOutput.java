package dev.tide.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/*
 * Standard output of the line-printing commands. Lines are buffered and written out when the command has
 * nothing else ready (flush()), so a busy consumer makes few system calls and an idle one shows every line
 * at once. PrintStream never throws: a reader that went away (a closed pipe) only shows in checkError(),
 * which flush() and every few hundred lines turn into OutputClosedException. Used by one thread.
 */
final class LineOutput {

    private static final int CHECK_EVERY = 256;

    private final PrintStream target;
    private final BufferedOutputStream buffer;
    private int sinceCheck;

    LineOutput(PrintStream target) {
        this.target = target;
        this.buffer = new BufferedOutputStream(target, 1 << 16);
    }

    /**
     * Writes bytes as they are.
     *
     * @param bytes the bytes
     * @throws OutputClosedException if the reader went away
     */
    void write(byte[] bytes) {
        try {
            buffer.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes text as UTF-8.
     *
     * @param text the text
     */
    void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Ends a line.
     *
     * @throws OutputClosedException if the reader went away
     */
    void endLine() {
        try {
            buffer.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (++sinceCheck >= CHECK_EVERY) {
            flush();
        }
    }

    /**
     * Writes a line of text.
     *
     * @param text the line, without its end
     */
    void line(String text) {
        write(text);
        endLine();
    }

    /**
     * Writes out everything buffered.
     *
     * @throws OutputClosedException if the reader went away
     */
    void flush() {
        sinceCheck = 0;
        try {
            buffer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (target.checkError()) {
            throw new OutputClosedException();
        }
    }
}
