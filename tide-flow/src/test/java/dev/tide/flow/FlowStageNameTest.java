package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A failure names the stage it came from, and the user's exception stays first. */
class FlowStageNameTest {

    private static Integer parse(String s) {
        return Integer.parseInt(s);
    }

    private static List<String> suppressedMessages(Throwable t) {
        return Arrays.stream(t.getSuppressed()).map(Throwable::getMessage).toList();
    }

    @Test
    void theFailingStageIsNamedWithItsPosition() {
        Flow<Integer> flow = Flow.of("1", "x").map(String::trim).filter(s -> true).map(FlowStageNameTest::parse);
        assertThatThrownBy(flow::toList).isInstanceOf(NumberFormatException.class)
                .satisfies(e -> assertThat(suppressedMessages(e)).containsExactly("failed in stage map#4"));
    }

    @Test
    void aNamedStageReportsItsName() {
        Flow<Integer> flow = Flow.of("1", "x").map(String::trim).map(FlowStageNameTest::parse).named("parse")
                .map(i -> i + 1);
        assertThatThrownBy(flow::toList).isInstanceOf(NumberFormatException.class)
                .satisfies(e -> assertThat(suppressedMessages(e)).containsExactly("failed in stage map#3 'parse'"));
    }

    @Test
    void renamingReplacesTheName() {
        Flow<Integer> flow = Flow.of("x").map(FlowStageNameTest::parse).named("a").named("b");
        assertThatThrownBy(flow::toList)
                .satisfies(e -> assertThat(suppressedMessages(e)).containsExactly("failed in stage map#2 'b'"));
    }

    @Test
    void aNameOnAnotherStageDoesNotClaimTheFailure() {
        Flow<Integer> flow = Flow.of("x").named("source").map(FlowStageNameTest::parse).map(i -> i).named("later");
        assertThatThrownBy(flow::toList)
                .satisfies(e -> assertThat(suppressedMessages(e)).containsExactly("failed in stage map#2"));
    }

    @Test
    void theUsersFrameStaysFirstAndTheStageShowsInThePrintedTrace() {
        Flow<Integer> flow = Flow.of("x").map(FlowStageNameTest::parse).named("parse");
        Throwable thrown = null;
        try {
            flow.toList();
        } catch (NumberFormatException e) {
            thrown = e;
        }
        assertThat(thrown).isNotNull();
        StackTraceElement userFrame = Arrays.stream(thrown.getStackTrace())
                .filter(f -> f.getClassName().equals(FlowStageNameTest.class.getName()))
                .findFirst().orElseThrow();
        assertThat(userFrame.getMethodName()).isEqualTo("parse");
        assertThat(Arrays.stream(thrown.getStackTrace()).takeWhile(f -> f != userFrame)
                .noneMatch(f -> f.getClassName().startsWith("dev.tide.flow.Flow"))).as("no Tide frame above the user's")
                .isTrue();
        StringWriter printed = new StringWriter();
        thrown.printStackTrace(new PrintWriter(printed));
        assertThat(printed.toString()).contains("failed in stage map#2 'parse'");
    }

    @Test
    void aFailureInAConcurrentSourceKeepsItsOwnStackTraceAndStage() {
        Flow<Integer> worker = Flow.of("x").map(FlowStageNameTest::parse).named("parse");
        assertThatThrownBy(() -> Flow.merge(worker, Flow.of(1)).toList())
                .isInstanceOf(NumberFormatException.class)
                .satisfies(e -> assertThat(suppressedMessages(e)).containsExactly("failed in stage map#2 'parse'"));
    }

    @Test
    void theEarlyStopSignalIsNeverTagged() {
        assertThat(Flow.range(0, 100).map(i -> i * 2).named("double").take(2).toList()).containsExactly(0, 2);
    }
}
