package dev.tide.file;

/**
 * Bytes of a {@code .ss} file that do not follow the format: says where (the byte offset) and what was
 * expected. Internal: the streamer turns it into a {@link dev.tide.StreamException.Kind#FORMAT}
 * exception, the tools into a report line.
 */
final class SsFormatException extends RuntimeException {

    private final long offset;
    private final String problem;

    SsFormatException(long offset, String problem) {
        super("at byte offset " + offset + ": " + problem);
        this.offset = offset;
        this.problem = problem;
    }

    /** Where the bad bytes are. */
    long offset() {
        return offset;
    }

    /** What is wrong, without the offset. */
    String problem() {
        return problem;
    }
}
