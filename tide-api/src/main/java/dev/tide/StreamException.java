package dev.tide;

import java.util.Objects;

/**
 * The one unchecked exception of Tide's streaming API. Its {@link Kind} says what went wrong; the
 * message says where (the URI, the stream key, the line or byte offset) and what was expected; the
 * cause, when there is one, is the backend's own exception.
 */
public class StreamException extends RuntimeException {

    /** The closed set of things that can go wrong. */
    public enum Kind {
        /** The backend could not be reached or the connection was lost. */
        CONNECT(true),
        /** A producer that is already anchored to a stream was anchored again. */
        ALREADY_ANCHORED(false),
        /** A send without a stream key on a producer that is not anchored to one. */
        NOT_ANCHORED(false),
        /** A consumer group was given where the consumer mode does not allow one. */
        CONSUMER_GROUP_IS_SET(false),
        /** The consumer mode requires a consumer group and none was given. */
        CONSUMER_GROUP_NOT_SET(false),
        /** A consumer was asked to read no stream at all. */
        STREAM_KEY_EMPTY(false),
        /** The stream (or shard) is not one this consumer reads, or does not exist. */
        STREAM_KEY_NOT_FOUND(false),
        /** A commit on a consumer whose mode keeps no commits. */
        COMMIT_NOT_ALLOWED(false),
        /** A stream key that is not 1 to 249 characters of {@code [A-Za-z0-9._-]}, or is reserved. */
        INVALID_STREAM_KEY(false),
        /** A stream URI that does not follow {@code proto://nodes/keys}, or names no known backend. */
        INVALID_URI(false),
        /** An option with an unknown name or a value that does not parse. */
        INVALID_OPTION(false),
        /** The backend cannot do this; the message says why. */
        UNSUPPORTED(false),
        /** A time limit was exceeded. */
        TIMEOUT(true),
        /** The calling thread was interrupted; its interrupt flag is set again. */
        INTERRUPTED(false),
        /** An I/O error, with the underlying exception as cause. */
        IO(true),
        /** Data from outside (a line, a file, a record) does not follow the expected format. */
        FORMAT(false),
        /** The backend reported an error; its exception is the cause. */
        BACKEND(false),
        /** The stream has ended: there will be no more messages. */
        ENDED(false),
        /** The producer, consumer or streamer was closed. */
        CLOSED(false);

        private final boolean retriable;

        Kind(boolean retriable) {
            this.retriable = retriable;
        }

        /** Whether the same call may succeed if tried again later. */
        public boolean isRetriable() {
            return retriable;
        }
    }

    private final Kind kind;

    /**
     * Creates an exception.
     *
     * @param kind what went wrong
     * @param message where and what, for a person to read
     */
    public StreamException(Kind kind, String message) {
        this(kind, message, null);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param kind what went wrong
     * @param message where and what, for a person to read
     * @param cause the backend's exception, or null
     */
    public StreamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** Whether the same call may succeed if tried again later. */
    public boolean isRetriable() {
        return kind.isRetriable();
    }

    /**
     * Translates an interruption: restores the thread's interrupt flag and returns an
     * {@link Kind#INTERRUPTED} exception to throw.
     *
     * @param e the interruption
     * @param what what was being waited for, for the message
     * @return the exception to throw
     */
    public static StreamException interrupted(InterruptedException e, String what) {
        Thread.currentThread().interrupt();
        return new StreamException(Kind.INTERRUPTED, "interrupted while " + what, e);
    }

    @Override
    public String toString() {
        return "StreamException[" + kind + "]: " + getMessage();
    }
}
