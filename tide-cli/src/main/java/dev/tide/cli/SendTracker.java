package dev.tide.cli;

import dev.tide.Receipt;
import dev.tide.StreamException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Remembers the first send that failed, so a command that does not wait for each receipt still stops
 * and reports it. Thread-safe: receipts may complete on any thread.
 */
final class SendTracker {

    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * Watches a send's receipt.
     *
     * @param receipt the future {@code send} returned
     */
    void track(CompletableFuture<Receipt> receipt) {
        receipt.whenComplete((r, e) -> {
            if (e != null) {
                failure.compareAndSet(null, unwrap(e));
            }
        });
    }

    /**
     * Throws the first failure seen so far, if any.
     *
     * @throws RuntimeException the failed send's exception ({@link StreamException} from a backend)
     */
    void check() {
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new StreamException(StreamException.Kind.BACKEND, "a send failed: " + t, t);
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }
}
