package dev.tide.flow;

import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * {@link Flow#iterate}: seed, next(seed), next(next(seed))... while {@code hasNext} holds (always, for
 * the endless form). The current value is per-run state, so every collection starts again at the seed.
 */
final class FlowIterate<T> extends FlowSource<T> {

    private final T seed;
    private final Predicate<? super T> hasNext;
    private final UnaryOperator<T> next;

    FlowIterate(T seed, Predicate<? super T> hasNext, UnaryOperator<T> next) {
        this.seed = seed;
        this.hasNext = hasNext;
        this.next = next;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        T current = seed;
        while (true) {
            checkInterrupt();
            try {
                if (!hasNext.test(current)) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                Stages.tag(e, "iterate", this);
                throw e;
            }
            emitter.emit(current);
            T following;
            try {
                following = next.apply(current);
            } catch (RuntimeException | Error e) {
                Stages.tag(e, "iterate", this);
                throw e;
            }
            if (following == null) {
                throw Stages.tag(new NullPointerException("iterate: the function returned null for " + current),
                        "iterate", this);
            }
            current = following;
        }
    }
}
