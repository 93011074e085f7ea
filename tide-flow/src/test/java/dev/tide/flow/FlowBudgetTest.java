package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** FlowBudget accounting and the budgeted distinct / distinctBy. */
class FlowBudgetTest {

    @TestFactory
    Stream<DynamicTest> distinctWithABudget() {
        FlowBudget budget = FlowBudget.builder("harness").maxKeys(100).build();
        return OperatorHarness.<Integer, Integer>operator("distinct(budget)", up -> up.distinct(budget))
                .emits("first occurrences", List.of(3, 1, 3, 2, 1), List.of(3, 1, 2))
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> distinctByWithABudget() {
        FlowBudget budget = FlowBudget.builder("harness").maxKeys(100).build();
        return OperatorHarness.<String, String>operator("distinctBy(budget)", up -> up.distinctBy(String::length, budget))
                .emits("first of each length", List.of("a", "bb", "c", "dd", "eee"), List.of("a", "bb", "eee"))
                .userFunctionFailure(up -> up.distinctBy(s -> {
                    throw new OperatorHarness.Boom();
                }, budget), List.of("a"), "distinctBy")
                .tests();
    }

    @Test
    void failPolicyFailsTheFlowAtTheFirstKeyOverTheLimit() {
        FlowBudget budget = FlowBudget.builder("ids").maxKeys(3).build();
        List<Integer> out = new java.util.ArrayList<>();
        assertThatThrownBy(() -> Flow.of(1, 2, 1, 3, 2, 4, 5).distinct(budget).forEach(out::add))
                .isInstanceOf(FlowException.class)
                .hasMessage("budget 'ids' exceeded in stage distinct#2: more than 3 tracked keys (maxKeys)")
                .satisfies(e -> assertThat(((FlowException) e).isRetriable()).isFalse());
        assertThat(out).containsExactly(1, 2, 3);
        assertThat(budget.keys()).as("given back at the end of the collection").isZero();
        assertThat(budget.peakKeys()).isEqualTo(3);
        assertThat(budget.shedKeys()).isZero();
    }

    @Test
    void shedPolicyForgetsTheOldestKeyAndCountsIt() {
        FlowBudget budget = FlowBudget.builder("ids").maxKeys(3).policy(FlowBudget.Policy.SHED).build();
        // d makes the stage forget a; the later a is new again and makes it forget b
        assertThat(Flow.of("a", "b", "c", "d", "a", "c", "b").distinct(budget).toList())
                .containsExactly("a", "b", "c", "d", "a", "b");
        assertThat(budget.shedKeys()).isEqualTo(3);
        assertThat(budget.peakKeys()).isEqualTo(3);
        assertThat(budget.keys()).isZero();
    }

    @Test
    void oneBudgetIsSharedByTheStagesThatGetIt() {
        FlowBudget budget = FlowBudget.builder("shared").maxKeys(5).build();
        // two distinct stages hold 3 + 3 keys at the end: over the shared limit of 5
        assertThatThrownBy(() -> Flow.of(1, 2, 3).distinct(budget).map(i -> i * 10).distinct(budget).toList())
                .isInstanceOf(FlowException.class)
                .hasMessageContaining("distinct#4");
        assertThat(budget.keys()).isZero();
        assertThat(Flow.of(1, 2).distinct(budget).map(i -> i * 10).distinct(budget).toList()).containsExactly(10, 20);
        assertThat(budget.peakKeys()).isEqualTo(5);
    }

    @Test
    void summaryAndMisuse() {
        FlowBudget budget = FlowBudget.builder("b").maxKeys(10).build();
        assertThat(budget.summary())
                .isEqualTo("budget b: items 0/unlimited (peak 0, shed 0), keys 0/10 (peak 0, shed 0), FAIL");
        assertThat(budget.maxBufferedItems()).isEqualTo(Long.MAX_VALUE);
        assertThat(budget.name()).isEqualTo("b");
        assertThatThrownBy(() -> FlowBudget.builder("b").maxKeys(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxKeys must be positive: 0");
        assertThatThrownBy(() -> FlowBudget.builder("b").maxBufferedItems(-1)).isInstanceOf(IllegalArgumentException.class);
        RealFlowBudget real = (RealFlowBudget) budget;
        assertThat(real.tryAcquireKey()).isTrue();
        assertThatThrownBy(() -> real.releaseKeys(2)).isInstanceOf(IllegalStateException.class);
        assertThat(budget.keys()).as("a bad release changes nothing").isEqualTo(1);
        real.releaseKeys(1);
        assertThat(budget.keys()).isZero();
    }
}
