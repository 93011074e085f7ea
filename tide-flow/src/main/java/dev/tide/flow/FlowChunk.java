package dev.tide.flow;

import java.util.ArrayList;
import java.util.Collections;
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
        Chunker chunker = new Chunker(emitter);
        upstream.collect(chunker);
        List<T> rest = chunker.chunk;
        if (!rest.isEmpty()) {
            emitter.emit(Collections.unmodifiableList(rest));
        }
    }

    /**
     * The per-run state: the chunk being filled. A full chunk is handed downstream as an unmodifiable view
     * and never touched again (the next element starts a new list), so it need not be copied.
     */
    private final class Chunker implements Emitter<T> {

        private final Emitter<? super List<T>> downstream;
        private List<T> chunk = new ArrayList<>(size);

        Chunker(Emitter<? super List<T>> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void emit(T value) throws Exception {
            List<T> current = chunk;
            current.add(value);
            if (current.size() == size) {
                chunk = new ArrayList<>(size);
                downstream.emit(Collections.unmodifiableList(current));
            }
        }
    }
}
