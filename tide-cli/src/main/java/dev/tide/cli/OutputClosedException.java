package dev.tide.cli;

/**
 * Standard output was closed by its reader (as by {@code | head}): the command stops and the process
 * exits quietly with status 141, as a program killed by SIGPIPE would.
 */
final class OutputClosedException extends RuntimeException {

    OutputClosedException() {
        super("standard output was closed by its reader", null, false, false);
    }
}
