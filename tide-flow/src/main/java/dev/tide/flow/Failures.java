package dev.tide.flow;

/*
 * Shared rules of the error-handling operators (recover, onErrorResume, retry, circuitBreaker, bracket).
 *
 * Which failures an operator may handle: an Exception raised upstream. Never handled: an Error, an
 * AbortFlow (the early-stop signal of a downstream stage: swallowing it would keep a stopped flow running),
 * an interruption (InterruptedException or FlowException of kind INTERRUPTED: the run is being cancelled),
 * and anything thrown after downstream itself has thrown (DownstreamGuard): a downstream failure is not
 * upstream's to recover from, even if upstream wrapped it.
 */
final class Failures {

    private Failures() {
    }

    /** Whether {@code t} is an upstream failure that an error-handling operator may handle. */
    static boolean handleable(Throwable t) {
        return t instanceof Exception
                && !AbortFlow.isAbort(t)
                && !isInterruption(t);
    }

    /** Whether {@code t} says that the run was interrupted (cancelled). */
    static boolean isInterruption(Throwable t) {
        return t instanceof InterruptedException
                || (t instanceof FlowException f && f.kind() == FlowException.Kind.INTERRUPTED);
    }

    /** Rethrows {@code t} unchanged (an Exception or an Error); declared to return for use in throw statements. */
    static Exception rethrow(Throwable t) throws Exception {
        if (t instanceof Error e) {
            throw e;
        }
        throw (Exception) t;
    }

    /** Adds {@code extra} to {@code primary}'s suppressed exceptions unless they are the same object. */
    static void suppress(Throwable primary, Throwable extra) {
        if (primary != extra) {
            primary.addSuppressed(extra);
        }
    }

    /** An emitter that remembers whether downstream has thrown, so its failures are never handled. */
    static final class DownstreamGuard<T> implements Emitter<T> {

        private final Emitter<? super T> downstream;
        private boolean thrown;

        DownstreamGuard(Emitter<? super T> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void emit(T value) throws Exception {
            try {
                downstream.emit(value);
            } catch (Throwable t) {
                thrown = true;
                throw t;
            }
        }

        /** Whether downstream threw (a failure or an early-stop signal) during this run. */
        boolean downstreamThrew() {
            return thrown;
        }
    }
}
