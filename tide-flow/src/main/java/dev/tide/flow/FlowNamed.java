package dev.tide.flow;

/**
 * Gives the stage it wraps a name that failures report ({@link Flow#named}); otherwise transparent: it
 * has the index of the stage it wraps and passes elements and exceptions through unchanged.
 */
final class FlowNamed<T> implements Flow<T>, Stages.Stage {

    private final Flow<T> upstream;
    private final String name;
    private final int index;

    FlowNamed(Flow<T> upstream, String name) {
        this.upstream = upstream;
        this.name = name;
        this.index = Stages.after(upstream) - 1;
    }

    /** The same stage with another name. */
    FlowNamed<T> rename(String newName) {
        return new FlowNamed<>(upstream, newName);
    }

    @Override
    public int stageIndex() {
        return index;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        try {
            upstream.collect(emitter);
        } catch (Exception | Error e) {
            Stages.StageTag tag = Stages.tagOf(e);
            if (tag != null && tag.taggedBy(upstream)) {
                tag.name(name);
            }
            throw e;
        }
    }
}
