package dev.tide.flow;

/** {@link Flow#zipWithIndex}: pairs every element with its position, counted from zero per collection. */
final class FlowZipWithIndex<T> extends FlowOperator<T, Indexed<T>> {

    FlowZipWithIndex(Flow<T> upstream) {
        super(upstream);
    }

    @Override
    public void collect(Emitter<? super Indexed<T>> emitter) throws Exception {
        long[] next = {0};
        upstream.collect(value -> emitter.emit(new Indexed<>(next[0]++, value)));
    }
}
