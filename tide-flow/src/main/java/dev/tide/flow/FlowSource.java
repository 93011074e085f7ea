package dev.tide.flow;

/** Base of the sources: a source is stage #1 of its pipeline (see {@link Stages}). */
abstract class FlowSource<T> implements Flow<T>, Stages.Stage {

    @Override
    public final int stageIndex() {
        return 1;
    }

    /**
     * Throws when the collecting thread was interrupted: the endless sources call it between elements so
     * that an interrupt (for example a concurrent operator cancelling its workers) stops them.
     */
    static void checkInterrupt() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("interrupted while producing elements");
        }
    }
}
