package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PipeTest {

    private final Pipe<String, Integer> parse = lines -> lines.map(String::trim).filter(s -> !s.isEmpty())
            .map(Integer::parseInt);

    @TestFactory
    Stream<DynamicTest> through() {
        return OperatorHarness.<String, Integer>operator("through(pipe)", up -> up.through(parse))
                .emits("parses and skips blanks", List.of(" 1", "", "2 ", "  "), List.of(1, 2))
                .earlyCancelPulls(1)
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> composedPipes() {
        Pipe<Integer, String> show = Pipe.map(i -> "#" + i);
        Pipe<Integer, Integer> evens = Pipe.filter(i -> i % 2 == 0);
        return OperatorHarness.<String, String>operator("andThen / compose",
                        up -> up.through(parse.andThen(evens).andThen(show)))
                .emits("parse, keep evens, show", List.of("1", "2", "3", "4"), List.of("#2", "#4"))
                .tests();
    }

    @Test
    void composeAndAndThenAgree() {
        Pipe<Integer, Integer> plusOne = Pipe.map(i -> i + 1);
        Pipe<Integer, Integer> twice = Pipe.map(i -> i * 2);
        assertThat(Flow.of(1, 2).through(plusOne.andThen(twice)).toList()).containsExactly(4, 6);
        assertThat(Flow.of(1, 2).through(twice.compose(plusOne)).toList()).containsExactly(4, 6);
        assertThat(Flow.of(1, 2).through(Pipe.compose(plusOne, twice)).toList()).containsExactly(4, 6);
        assertThat(Flow.of(1, 2).through(Pipe.<Integer>identity()).toList()).containsExactly(1, 2);
    }

    @Test
    void applyingAPipeStartsNothing() {
        AtomicInteger collected = new AtomicInteger();
        Flow<Integer> source = emitter -> {
            collected.incrementAndGet();
            emitter.emit(1);
        };
        Flow<Integer> piped = source.through(Pipe.map(i -> i + 1));
        assertThat(collected).hasValue(0);
        assertThat(piped.toList()).containsExactly(2);
        assertThat(piped.toList()).containsExactly(2);
        assertThat(collected).hasValue(2);
    }
}
