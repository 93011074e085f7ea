package dev.tide.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@link Flow#batchProcess}: hands consecutive batches of {@code size} elements (the last one possibly
 * shorter, at completion) to a function and emits the elements it returns, in order, before the next
 * batch is formed.
 */
final class FlowBatchProcess<T, R> extends FlowOperator<T, R> {

    private final int size;
    private final Function<? super List<T>, ? extends Iterable<? extends R>> processor;

    FlowBatchProcess(Flow<T> upstream, int size, Function<? super List<T>, ? extends Iterable<? extends R>> processor) {
        super(upstream);
        this.size = size;
        this.processor = processor;
    }

    @Override
    public void collect(Emitter<? super R> emitter) throws Exception {
        List<List<T>> current = new ArrayList<>(1);
        current.add(new ArrayList<>(size));
        upstream.collect(value -> {
            List<T> batch = current.get(0);
            batch.add(value);
            if (batch.size() == size) {
                current.set(0, new ArrayList<>(size));
                process(List.copyOf(batch), emitter);
            }
        });
        List<T> rest = current.get(0);
        if (!rest.isEmpty()) {
            process(List.copyOf(rest), emitter);
        }
    }

    private void process(List<T> batch, Emitter<? super R> emitter) throws Exception {
        Iterable<? extends R> results;
        try {
            results = Objects.requireNonNull(processor.apply(batch), "batchProcess function returned null");
        } catch (RuntimeException | Error e) {
            Stages.tag(e, "batchProcess", this);
            throw e;
        }
        for (R result : results) {
            if (result == null) {
                throw Stages.tag(new NullPointerException("batchProcess function returned a null element"),
                        "batchProcess", this);
            }
            emitter.emit(result);
        }
    }
}
