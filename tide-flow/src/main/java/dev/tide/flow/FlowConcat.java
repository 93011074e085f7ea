package dev.tide.flow;

import java.util.List;

/** {@link Flow#concat}: collects the flows one after the other, in list order. */
final class FlowConcat<T> implements Flow<T>, Stages.Stage {

    private final List<Flow<? extends T>> flows;
    private final int index;

    FlowConcat(List<Flow<? extends T>> flows) {
        this.flows = flows;
        this.index = Stages.after(flows);
    }

    @Override
    public int stageIndex() {
        return index;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        for (Flow<? extends T> flow : flows) {
            flow.collect(emitter);
        }
    }
}
