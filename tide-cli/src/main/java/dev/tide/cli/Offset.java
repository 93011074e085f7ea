package dev.tide.cli;

import dev.tide.StreamReset;

/** Where a consumer without a committed position starts: {@code --offset start|end}. */
enum Offset {
    /** From the oldest message the backend still has. */
    START(StreamReset.EARLIEST),
    /** With the messages that arrive from now on. */
    END(StreamReset.LATEST);

    private final StreamReset reset;

    Offset(StreamReset reset) {
        this.reset = reset;
    }

    /** The consumer option this stands for. */
    StreamReset reset() {
        return reset;
    }

    /** The command-line spelling. */
    String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
