package dev.tide.redis;

import dev.tide.StreamException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Translates Lettuce's exceptions to {@link StreamException}s and waits on futures. */
final class Errors {

    private Errors() {
    }

    /** The exception itself, without CompletionException / ExecutionException wrappers. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The server's error text if {@code t} is (or was caused by) an error reply, else null. */
    static String serverError(Throwable t) {
        for (Throwable u = t; u != null; u = u.getCause()) {
            if (u instanceof RedisCommandExecutionException e) {
                return String.valueOf(e.getMessage());
            }
            if (u.getCause() == u) {
                break;
            }
        }
        return null;
    }

    /** Whether {@code t} means the connection is broken or closed (as opposed to an error reply). */
    static boolean isConnectionProblem(Throwable t) {
        Throwable u = unwrap(t);
        if (u instanceof RedisCommandExecutionException) {
            return false;
        }
        return u instanceof RedisConnectionException || u instanceof IOException || u instanceof RedisCommandTimeoutException
                || u instanceof CancellationException || u instanceof TimeoutException
                || (u instanceof RedisException && !(u instanceof RedisCommandInterruptedException));
    }

    /**
     * The {@link StreamException} for a failure.
     *
     * @param t what failed
     * @param what what was being done, for the message
     */
    static StreamException translate(Throwable t, String what) {
        Throwable u = unwrap(t);
        if (u instanceof StreamException e) {
            return e;
        }
        if (u instanceof RedisCommandExecutionException) {
            return new StreamException(StreamException.Kind.BACKEND, what + ": " + u.getMessage(), u);
        }
        if (u instanceof RedisCommandTimeoutException || u instanceof TimeoutException) {
            return new StreamException(StreamException.Kind.TIMEOUT, what + ": " + u.getMessage(), u);
        }
        if (u instanceof RedisCommandInterruptedException || u instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new StreamException(StreamException.Kind.INTERRUPTED, "interrupted while " + what, u);
        }
        if (u instanceof RedisConnectionException || u instanceof IOException || u instanceof RedisException
                || u instanceof CancellationException) {
            return new StreamException(StreamException.Kind.CONNECT, what + ": " + u.getMessage(), u);
        }
        return new StreamException(StreamException.Kind.BACKEND, what + ": " + u, u);
    }

    /**
     * Waits for a future. Blocks the calling thread.
     *
     * @param future the command
     * @param timeout the most to wait
     * @param what what is awaited, for error messages
     * @return the result
     * @throws StreamException the translated failure, {@link StreamException.Kind#TIMEOUT} after the
     *     timeout, {@link StreamException.Kind#INTERRUPTED} if interrupted
     */
    static <T> T await(Future<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, what);
        } catch (TimeoutException e) {
            throw new StreamException(StreamException.Kind.TIMEOUT, what + ": no answer within " + timeout, e);
        } catch (ExecutionException | CancellationException e) {
            throw translate(e, what);
        }
    }
}
