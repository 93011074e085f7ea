package dev.tide.flow;

/*
 * Naming the stage a failure came from, without hiding the user's exception.
 *
 * Every operator stage has an index: its position in the pipeline counted from the source (a source is
 * #1; a stage after a flow that is not a Stage, e.g. a lambda, is #1 too; a stage combining several flows
 * is one more than the highest of them). Operator classes implement Stage and compute their index once,
 * at assembly, with Stages.after(upstream...).
 *
 * When a user function called by a stage throws, the stage calls Stages.tag(e, "map", this) and then
 * rethrows the very same exception ("catch (RuntimeException | Error e) { Stages.tag(e, "map", this);
 * throw e; }"): a StageTag is attached as a suppressed exception (no stack trace),
 * e.g. "failed in stage map#3". So the exception that reaches the terminal operation is the user's own,
 * with the user's frame first in its stack trace, and the printed trace also says which stage it was.
 * Only the first stage that tags an exception does so; AbortFlow (the early-stop signal) is never tagged.
 * Tag only failures of the stage's own user code, never exceptions coming out of emit (those belong to a
 * stage further downstream) or out of upstream.collect (further upstream).
 *
 * Flow.named("parse") wraps a stage (FlowNamed); a failure tagged by exactly that stage object gets the
 * name: "failed in stage map#3 'parse'".
 */
final class Stages {

    private Stages() {
    }

    /** A flow that knows its position in the pipeline. */
    interface Stage {
        /** The position, counted from the source (1). */
        int stageIndex();
    }

    /** The index of a stage whose upstream is {@code upstream}. */
    static int after(Flow<?> upstream) {
        return indexOf(upstream) + 1;
    }

    /** The index of a stage that combines {@code upstreams}. */
    static int after(Iterable<? extends Flow<?>> upstreams) {
        int max = 0;
        for (Flow<?> flow : upstreams) {
            max = Math.max(max, indexOf(flow));
        }
        return max + 1;
    }

    private static int indexOf(Flow<?> flow) {
        return flow instanceof Stage stage ? stage.stageIndex() : 0;
    }

    /**
     * Attaches "failed in stage op#index" to {@code error} unless it is already tagged or is an early-stop
     * signal, and returns {@code error} so that callers can write
     * {@code throw Stages.tag(new NullPointerException(...), "map", this)}.
     */
    static <X extends Throwable> X tag(X error, String op, Stage stage) {
        if (error instanceof AbortFlow || tagOf(error) != null) {
            return error;
        }
        error.addSuppressed(new StageTag(op, stage));
        return error;
    }

    /** The tag attached to {@code error}, or null. */
    static StageTag tagOf(Throwable error) {
        for (Throwable suppressed : error.getSuppressed()) {
            if (suppressed instanceof StageTag tag) {
                return tag;
            }
        }
        return null;
    }

    /** The suppressed exception that names a failing stage. It has no stack trace. */
    static final class StageTag extends RuntimeException {

        private final String op;
        private final transient Stage stage;
        private final int index;
        private volatile String name;

        StageTag(String op, Stage stage) {
            super(null, null, false, false);
            this.op = op;
            this.stage = stage;
            this.index = stage.stageIndex();
        }

        /** Whether this tag was attached by {@code candidate}. */
        boolean taggedBy(Object candidate) {
            return stage == candidate;
        }

        void name(String stageName) {
            if (name == null) {
                name = stageName;
            }
        }

        @Override
        public String getMessage() {
            String stage = op + "#" + index;
            return name == null ? "failed in stage " + stage : "failed in stage " + stage + " '" + name + "'";
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
