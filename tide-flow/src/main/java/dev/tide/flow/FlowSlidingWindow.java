package dev.tide.flow;

import java.util.ArrayDeque;
import java.util.List;

/**
 * {@link Flow#slidingWindow}: windows of exactly {@code size} consecutive elements, a new one starting
 * every {@code step} elements (windows start at positions 0, step, 2·step...). With step &lt; size windows
 * overlap; with step &gt; size the elements between windows are skipped. A trailing window with fewer than
 * {@code size} elements is not emitted. At most {@code size} elements are buffered.
 */
final class FlowSlidingWindow<T> extends FlowOperator<T, List<T>> {

    private final int size;
    private final int step;

    FlowSlidingWindow(Flow<T> upstream, int size, int step) {
        super(upstream);
        this.size = size;
        this.step = step;
    }

    @Override
    public void collect(Emitter<? super List<T>> emitter) throws Exception {
        ArrayDeque<T> window = new ArrayDeque<>(size);
        int[] toSkip = {0};
        upstream.collect(value -> {
            if (toSkip[0] > 0) {
                toSkip[0]--;
                return;
            }
            window.addLast(value);
            if (window.size() == size) {
                List<T> full = List.copyOf(window);
                if (step >= size) {
                    window.clear();
                    toSkip[0] = step - size;
                } else {
                    for (int i = 0; i < step; i++) {
                        window.removeFirst();
                    }
                }
                emitter.emit(full);
            }
        });
    }
}
