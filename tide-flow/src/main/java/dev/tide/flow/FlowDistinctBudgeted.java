package dev.tide.flow;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.function.Function;

/*
 * distinct(budget) / distinctBy(key, budget): distinct with its seen keys counted against a FlowBudget.
 *
 * Every new key takes a key unit of the budget. When none is left: under FAIL the stage fails with
 * FlowException(BUDGET_EXCEEDED); under SHED it forgets its oldest key (insertion order, gives its unit back,
 * counts one shed key) and remembers the new one: the element is emitted, and a later element with the
 * forgotten key will be emitted again. If the stage holds no key to forget (the budget is used up by other
 * stages), the new key is not remembered (counted as shed too) and the element is emitted.
 * All units are given back when the collection ends.
 */
final class FlowDistinctBudgeted<T, K> extends FlowOperator<T, T> {

    private final String op;
    private final Function<? super T, ? extends K> key;
    private final RealFlowBudget budget;

    FlowDistinctBudgeted(Flow<T> upstream, String op, Function<? super T, ? extends K> key, RealFlowBudget budget) {
        super(upstream);
        this.op = op;
        this.key = key;
        this.budget = budget;
    }

    @Override
    public void collect(Emitter<? super T> emitter) throws Exception {
        LinkedHashSet<K> seen = new LinkedHashSet<>();
        try {
            upstream.collect(value -> {
                K k;
                try {
                    k = key.apply(value);
                } catch (RuntimeException | Error e) {
                    Stages.tag(e, op, this);
                    throw e;
                }
                if (seen.contains(k)) {
                    return;
                }
                if (budget.tryAcquireKey()) {
                    seen.add(k);
                } else if (budget.policy() == FlowBudget.Policy.FAIL) {
                    throw budget.keysExceeded(op + "#" + stageIndex());
                } else {
                    Iterator<K> oldest = seen.iterator();
                    budget.recordShedKey();
                    if (oldest.hasNext()) {
                        oldest.next();
                        oldest.remove();
                        seen.add(k); // the forgotten key's unit is reused by the new key
                    }
                }
                emitter.emit(value);
            });
        } finally {
            budget.releaseKeys(seen.size());
        }
    }
}
