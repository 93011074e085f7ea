package dev.tide.flow;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link Flow#chunk(int)}: groups consecutive elements into lists of {@code size}; the last list may be
 * shorter and is emitted when upstream completes (not when it fails: a failure ends the flow and the
 * partial chunk is not emitted). Emitted lists are unmodifiable.
 */
final class FlowChunk<T> extends FlowOperator<T, List<T>> {

    private final int size;

    FlowChunk(Flow<T> upstream, int size) {
        super(upstream);
        this.size = size;
    }

    @Override
    public void collect(Emitter<? super List<T>> emitter) throws Exception {
        List<List<T>> current = new ArrayList<>(1);
        current.add(new ArrayList<>(size));
        upstream.collect(value -> {
            List<T> chunk = current.get(0);
            chunk.add(value);
            if (chunk.size() == size) {
                current.set(0, new ArrayList<>(size));
                emitter.emit(List.copyOf(chunk));
            }
        });
        List<T> rest = current.get(0);
        if (!rest.isEmpty()) {
            emitter.emit(List.copyOf(rest));
        }
    }
}
