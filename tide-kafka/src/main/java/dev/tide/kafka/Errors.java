package dev.tide.kafka;

import dev.tide.StreamException;
import dev.tide.StreamException.Kind;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Translates kafka-clients exceptions into {@link StreamException}s, keeping the cause. */
final class Errors {

    private Errors() {
    }

    /**
     * The stream exception for a failure of a Kafka call.
     *
     * @param failure what the client threw (wrappers such as {@link ExecutionException} are unwrapped)
     * @param what the call, for the message ("sending to orders")
     * @return the exception to throw
     */
    static StreamException translate(Throwable failure, String what) {
        Throwable t = unwrap(failure);
        if (t instanceof StreamException e) {
            return e;
        }
        if (t instanceof InterruptedException || t instanceof InterruptException) {
            Thread.currentThread().interrupt();
            return new StreamException(Kind.INTERRUPTED, "interrupted while " + what, t);
        }
        Kind kind;
        if (t instanceof TimeoutException || t instanceof java.util.concurrent.TimeoutException) {
            kind = Kind.TIMEOUT;
        } else if (t instanceof AuthenticationException || t instanceof NetworkException || t instanceof DisconnectException) {
            kind = Kind.CONNECT;
        } else if (t instanceof UnknownTopicOrPartitionException) {
            kind = Kind.STREAM_KEY_NOT_FOUND;
        } else if (t instanceof InvalidTopicException) {
            kind = Kind.INVALID_STREAM_KEY;
        } else if (t instanceof ConfigException || t instanceof KafkaException && t.getCause() instanceof ConfigException) {
            kind = Kind.INVALID_OPTION;
        } else if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("closed")) {
            kind = Kind.CLOSED;
        } else {
            kind = Kind.BACKEND;
        }
        return new StreamException(kind, what + " failed: " + describe(t), t);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        Throwable cause = t.getCause();
        if (cause != null && cause != t && cause.getMessage() != null && (message == null || !message.contains(cause.getMessage()))) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return t.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
