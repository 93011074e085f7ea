package dev.tide.flow;

import java.util.function.Predicate;

/** {@link Flow#filter}: keeps the elements that pass a predicate; its failures are tagged "filter". */
final class FlowFilter<T> extends FlowOperator<T, T> {

    private final Predicate<? super T> predicate;

    FlowFilter(Flow<T> upstream, Predicate<? super T> predicate) {
        super(upstream);
        this.predicate = predicate;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        upstream.collect(value -> {
            boolean keep;
            try {
                keep = predicate.test(value);
            } catch (RuntimeException | Error e) {
                Stages.tag(e, "filter", this);
                throw e;
            }
            if (keep) {
                emitter.emit(value);
            }
        });
    }
}
