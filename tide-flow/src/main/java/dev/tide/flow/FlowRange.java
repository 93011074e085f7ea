package dev.tide.flow;

/** {@link Flow#range}: the integers from a start (inclusive) to an end (exclusive), ascending. */
final class FlowRange {

    private FlowRange() {
    }

    /** The int form. */
    static final class Ints extends FlowSource<Integer> {
        private final int start;
        private final int end;

        Ints(int start, int end) {
            this.start = start;
            this.end = end;
        }

        @Override
        public void collect(Emitter<? super Integer> emitter) throws Exception {
            for (int i = start; i < end; i++) {
                checkInterrupt();
                emitter.emit(i);
            }
        }
    }

    /** The long form. */
    static final class Longs extends FlowSource<Long> {
        private final long start;
        private final long end;

        Longs(long start, long end) {
            this.start = start;
            this.end = end;
        }

        @Override
        public void collect(Emitter<? super Long> emitter) throws Exception {
            for (long i = start; i < end; i++) {
                checkInterrupt();
                emitter.emit(i);
            }
        }
    }
}
