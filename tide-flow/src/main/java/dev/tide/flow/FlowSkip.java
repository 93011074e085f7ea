package dev.tide.flow;

/** {@link Flow#skip}: drops the first n elements, emits the rest. */
final class FlowSkip<T> extends FlowOperator<T, T> {

    private final long count;

    FlowSkip(Flow<T> upstream, long count) {
        super(upstream);
        this.count = count;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        long[] skipped = {0};
        upstream.collect(value -> {
            if (skipped[0] < count) {
                skipped[0]++;
            } else {
                emitter.emit(value);
            }
        });
    }
}
