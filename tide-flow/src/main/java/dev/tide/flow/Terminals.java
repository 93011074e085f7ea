package dev.tide.flow;

/*
 * Runs a terminal operation and translates what escapes it: unchecked exceptions and errors pass
 * through unchanged (so a user function's own exception reaches the caller with its stack trace),
 * an interruption restores the thread's flag and becomes FlowException(INTERRUPTED), and any other
 * checked exception becomes FlowException(CHECKED) with the original as cause.
 */
final class Terminals {

    private Terminals() {
    }

    static <T> void run(Flow<T> flow, Emitter<? super T> emitter) {
        try {
            flow.collect(emitter);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowException(FlowException.Kind.INTERRUPTED, "interrupted while collecting a flow", e);
        } catch (Exception e) {
            throw new FlowException(FlowException.Kind.CHECKED, e.toString(), e);
        }
    }

    /**
     * The unchecked form of a failure caught outside {@link #run} (iterators, streams): unchecked exceptions
     * as they are, an interruption as FlowException(INTERRUPTED) with the thread's flag restored, any other
     * checked exception as FlowException(CHECKED) with the original as cause.
     */
    static RuntimeException unchecked(Exception e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new FlowException(FlowException.Kind.INTERRUPTED, "interrupted while collecting a flow", e);
        }
        return new FlowException(FlowException.Kind.CHECKED, e.toString(), e);
    }
}
