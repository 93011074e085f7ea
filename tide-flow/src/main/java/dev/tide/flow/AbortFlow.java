package dev.tide.flow;

/*
 * How a downstream stage stops an upstream one early (take, first, takeWhile...): the stage's emitter
 * throws an AbortFlow that carries a token unique to that stage's run; the exception unwinds through
 * upstream's collect (running its finally blocks, so resources are released) and is caught by the
 * stage that threw it, recognised by the token. An AbortFlow with another token belongs to a stage
 * further downstream and is rethrown.
 *
 * It carries no stack trace: it is control flow, thrown once per early stop.
 */
final class AbortFlow extends RuntimeException {

    private final transient Object owner;

    AbortFlow(Object owner) {
        super("flow aborted by a downstream stage", null, false, false);
        this.owner = owner;
    }

    /** Rethrows {@code e} unless it is the abort signal thrown by {@code owner}. */
    static void rethrowUnlessOwnedBy(AbortFlow e, Object owner) {
        if (e.owner != owner) {
            throw e;
        }
    }

    /** Whether this signal was thrown by {@code candidate}. */
    boolean isOwnedBy(Object candidate) {
        return owner == candidate;
    }

    /** True when {@code t} is an abort signal of any stage: operators that handle errors must let it pass. */
    static boolean isAbort(Throwable t) {
        return t instanceof AbortFlow;
    }
}
