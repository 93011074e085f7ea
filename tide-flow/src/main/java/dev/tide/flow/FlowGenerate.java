package dev.tide.flow;

import java.util.function.Supplier;

/**
 * {@link Flow#generate} and {@link Flow#repeat}: an endless flow of the supplier's results. Stops only
 * when downstream stops it (take, first...), when the supplier throws, or when the collecting thread is
 * interrupted.
 */
final class FlowGenerate<T> extends FlowSource<T> {

    private final String op;
    private final Supplier<? extends T> supplier;

    FlowGenerate(String op, Supplier<? extends T> supplier) {
        this.op = op;
        this.supplier = supplier;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        while (true) {
            checkInterrupt();
            T value;
            try {
                value = supplier.get();
            } catch (RuntimeException | Error e) {
                Stages.tag(e, op, this);
                throw e;
            }
            if (value == null) {
                throw Stages.tag(new NullPointerException(op + ": the supplier returned null"), op, this);
            }
            emitter.emit(value);
        }
    }
}
