package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** map(f, ElementErrorHandler). */
class MapHandledTest {

    private static Integer parse(String s) {
        return Integer.valueOf(s);
    }

    @TestFactory
    Stream<DynamicTest> skip() {
        return OperatorHarness.<String, Integer>operator("map(skip)",
                        up -> up.map(MapHandledTest::parse, ElementErrorHandler.skip()))
                .emits("failed elements are skipped", List.of("1", "x", "3", "y"), List.of(1, 3))
                .emits("all fine", List.of("4"), List.of(4))
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> replace() {
        return OperatorHarness.<String, Integer>operator("map(replace)",
                        up -> up.map(MapHandledTest::parse, ElementErrorHandler.replaceWith(-1)))
                .emits("failed results are replaced", List.of("1", "x", "3"), List.of(1, -1, 3))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> fail() {
        return OperatorHarness.<String, Integer>operator("map(fail)",
                        up -> up.map(MapHandledTest::parse, ElementErrorHandler.fail()))
                .fails("the function's own exception ends the flow", List.of("1", "x", "3"), List.of(1),
                        NumberFormatException.class)
                .emits("all fine", List.of("4", "5"), List.of(4, 5))
                .userFunctionFailure(up -> up.map(s -> {
                    throw new OperatorHarness.Boom();
                }, ElementErrorHandler.fail()), List.of("1"), "map")
                .tests();
    }

    @Test
    void theHandlerSeesTheElementAndTheErrorAndDecidesPerElement() {
        List<String> seen = new ArrayList<>();
        List<Integer> out = Flow.of("1", "", "x", "4").map(MapHandledTest::parse, (element, error) -> {
            seen.add(element + ":" + error.getClass().getSimpleName());
            return element.isEmpty() ? ElementErrorHandler.Decision.replace(0) : ElementErrorHandler.Decision.skip();
        }).toList();
        assertThat(out).containsExactly(1, 0, 4);
        assertThat(seen).containsExactly(":NumberFormatException", "x:NumberFormatException");
    }

    @Test
    void aHandlerThatThrowsEndsTheFlowWithItsException() {
        Flow<Integer> flow = Flow.of("x").map(MapHandledTest::parse, (element, error) -> {
            throw new IllegalStateException("handler gave up on " + element);
        });
        assertThatThrownBy(flow::toList).isInstanceOf(IllegalStateException.class)
                .hasMessage("handler gave up on x")
                .satisfies(e -> assertThat(e.getSuppressed()).anySatisfy(
                        s -> assertThat(s).isInstanceOf(NumberFormatException.class)));
    }

    @Test
    void downstreamFailuresNeverReachTheHandler() {
        List<Object> handled = new ArrayList<>();
        Flow<Integer> flow = Flow.of("1", "2").map(MapHandledTest::parse, (element, error) -> {
            handled.add(element);
            return ElementErrorHandler.Decision.skip();
        }).map(i -> {
            throw new IllegalArgumentException("downstream " + i);
        });
        assertThatThrownBy(flow::toList).hasMessage("downstream 1");
        assertThat(handled).isEmpty();
    }

    @Test
    void nullResultsFailAndNullDecisionsAreRejected() {
        assertThatThrownBy(() -> Flow.of(1).map(i -> (Integer) null, ElementErrorHandler.skip()).toList())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("returned null");
        assertThatThrownBy(() -> Flow.of("x").map(MapHandledTest::parse, (e, x) -> null).toList())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("error handler returned null");
        assertThatThrownBy(() -> ElementErrorHandler.Decision.replace(null)).isInstanceOf(NullPointerException.class);
    }
}
