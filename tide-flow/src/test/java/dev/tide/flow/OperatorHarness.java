package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;

/*
 * The operator test harness (DESIGN.md §6).
 *
 * An operator test lists its scenarios, the harness turns them into JUnit dynamic tests and adds the
 * checks every operator must pass:
 *
 *   @TestFactory
 *   Stream<DynamicTest> map() {
 *       return OperatorHarness.<Integer, String>operator("map", up -> up.map(i -> "v" + i))
 *               .emits("three elements", List.of(1, 2, 3), List.of("v1", "v2", "v3"))
 *               .fails("upstream fails", OperatorHarness.failingAfter(List.of(1), new IllegalStateException("x")),
 *                       List.of("v1"), IllegalStateException.class)
 *               .userFunctionFailure(up -> up.map(i -> { throw new OperatorHarness.Boom(); }), List.of(1), "map")
 *               .earlyCancelPulls(1)
 *               .tests();
 *   }
 *
 * For every scenario the harness checks:
 *   - the exact output sequence (or the exact prefix before the expected error, and the error type);
 *   - collecting the same flow object twice gives the same result (per-run state lives in collect);
 *   - no tide-flow thread started during the check is still running when the terminal operation has
 *     returned or thrown (threads are tracked by FlowThreads).
 * Shared checks added once per operator:
 *   - empty input: the operator applied to Flow.empty() emits whenEmpty(...) (default: nothing);
 *   - upstream error: a source failing at once fails the flow with the very same exception instance
 *     (skip with upstreamErrorHandled() for operators that handle errors, e.g. recover);
 *   - user-function failure (when declared): the exception thrown by the user's function reaches both
 *     collect and toList() unchanged (same class, not wrapped), its first stack frame is in the test class
 *     (the user's frame is first), and, when a stage name is given, a suppressed exception names the stage;
 *   - early cancellation: take(1) downstream of the operator, over a probe source: the result is the first
 *     expected element, the probe's finally block ran exactly once per collection, no element was pulled
 *     after the terminal returned, and (with earlyCancelPulls(k)) exactly k elements were pulled.
 *
 * Sources (creation operators) use OperatorHarness.source("range") with the source itself as each
 * scenario's input; the empty-input and upstream-error checks do not apply to them.
 * Operators whose order is not deterministic (merge, race) use satisfies(...) scenarios with their own
 * assertions (exact per-source order and the multiset) instead of emits(...).
 * Time operators on virtual time can replace how a flow is run with runWith(...); every check uses it.
 * Every check runs under a generous preemptive timeout so that a deadlock fails instead of hanging the
 * build; it is a safety net, not a timing assertion.
 *
 * The API is shared by several operator families: add to it, do not rename.
 */
final class OperatorHarness<I, O> {

    /** The exception that user functions throw in {@link #userFunctionFailure} scenarios. */
    static final class Boom extends RuntimeException {
        Boom() {
            super("boom");
        }

        Boom(String message) {
            super(message);
        }
    }

    /** How a flow is run for a check: collect it into {@code emitter}. The default is {@link Flow#collect}. */
    @FunctionalInterface
    interface Runner<O> {
        void run(Flow<O> flow, Emitter<? super O> emitter) throws Exception;
    }

    private static final Duration SAFETY_TIMEOUT = Duration.ofSeconds(20);

    private record Scenario<I, O>(String description, Flow<I> input, List<I> inputList, List<O> expected,
                                  Consumer<List<O>> verifier, Class<? extends Throwable> error,
                                  Predicate<Throwable> errorCheck) {
    }

    private final String name;
    private final Function<Flow<I>, Flow<O>> operator;
    private final Class<?> testClass;
    private final List<Scenario<I, O>> scenarios = new ArrayList<>();
    private List<O> whenEmpty = List.of();
    private boolean checkUpstreamError = true;
    private Function<Flow<I>, Flow<O>> failingOperator;
    private List<I> failingInput;
    private String failingStage;
    private List<I> earlyCancelInput;
    private int earlyCancelPulls = -1;
    private Runner<O> runner = Flow::collect;
    private boolean customRunner;

    private boolean source;

    private OperatorHarness(String name, Function<Flow<I>, Flow<O>> operator, Class<?> testClass) {
        this.name = name;
        this.operator = operator;
        this.testClass = testClass;
    }

    /**
     * Starts the scenario list of a source (a creation operator): each scenario's input flow is the source
     * under test ({@code emits("1 to 3", Flow.range(1, 4), List.of(1, 2, 3))}). The empty-input and
     * upstream-error checks do not apply; the early-cancellation check runs take(1) on the first scenario
     * with output and checks the first element and that no thread is left.
     *
     * @param name how the source is shown in test names
     */
    static <O> OperatorHarness<O, O> source(String name) {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        OperatorHarness<O, O> harness = new OperatorHarness<>(name, Function.identity(), caller);
        harness.source = true;
        harness.checkUpstreamError = false;
        return harness;
    }

    /**
     * Starts the scenario list of one operator.
     *
     * @param name how the operator is shown in test names
     * @param operator applies the operator under test to an input flow
     */
    static <I, O> OperatorHarness<I, O> operator(String name, Function<Flow<I>, Flow<O>> operator) {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        return new OperatorHarness<>(name, operator, caller);
    }

    // ------------------------------------------------------------------ scenarios

    /** The operator over {@code input} emits exactly {@code expected}, in this order, and completes. */
    OperatorHarness<I, O> emits(String description, List<I> input, List<O> expected) {
        scenarios.add(new Scenario<>(description, Flow.fromIterable(List.copyOf(input)), List.copyOf(input),
                List.copyOf(expected), null, null, null));
        return this;
    }

    /** The operator over the flow {@code input} emits exactly {@code expected}, in this order, and completes. */
    OperatorHarness<I, O> emits(String description, Flow<I> input, List<O> expected) {
        scenarios.add(new Scenario<>(description, input, null, List.copyOf(expected), null, null, null));
        return this;
    }

    /**
     * The operator over {@code input} completes and its output satisfies {@code verifier} (for operators
     * whose interleaving is not deterministic: assert the per-source order and the multiset).
     */
    OperatorHarness<I, O> satisfies(String description, List<I> input, Consumer<List<O>> verifier) {
        scenarios.add(new Scenario<>(description, Flow.fromIterable(List.copyOf(input)), List.copyOf(input),
                null, verifier, null, null));
        return this;
    }

    /** Like {@link #satisfies(String, List, Consumer)} with a flow as input. */
    OperatorHarness<I, O> satisfies(String description, Flow<I> input, Consumer<List<O>> verifier) {
        scenarios.add(new Scenario<>(description, input, null, null, verifier, null, null));
        return this;
    }

    /**
     * The operator over {@code input} emits exactly {@code before} and then fails with an exception of
     * class {@code error} (exactly that class: a wrapper is a failure of the check).
     */
    OperatorHarness<I, O> fails(String description, Flow<I> input, List<O> before,
                                Class<? extends Throwable> error) {
        scenarios.add(new Scenario<>(description, input, null, List.copyOf(before), null, error, e -> true));
        return this;
    }

    /** Like {@link #fails(String, Flow, List, Class)}, and the exception also satisfies {@code check}. */
    OperatorHarness<I, O> fails(String description, Flow<I> input, List<O> before,
                                Class<? extends Throwable> error, Predicate<Throwable> check) {
        scenarios.add(new Scenario<>(description, input, null, List.copyOf(before), null, error, check));
        return this;
    }

    /** Like {@link #fails(String, Flow, List, Class)} with a list as input. */
    OperatorHarness<I, O> fails(String description, List<I> input, List<O> before,
                                Class<? extends Throwable> error) {
        scenarios.add(new Scenario<>(description, Flow.fromIterable(List.copyOf(input)), List.copyOf(input),
                List.copyOf(before), null, error, e -> true));
        return this;
    }

    // ------------------------------------------------------------------ shared-check options

    /** What the operator emits for an empty input (default: nothing). */
    OperatorHarness<I, O> whenEmpty(List<O> expected) {
        this.whenEmpty = List.copyOf(expected);
        return this;
    }

    /** Skips the "upstream error passes through unchanged" check (for operators that handle errors). */
    OperatorHarness<I, O> upstreamErrorHandled() {
        this.checkUpstreamError = false;
        return this;
    }

    /**
     * Declares the user-function-failure check: {@code failing} is the operator with a user function that
     * throws {@link Boom} (or any exception created in the test class); it is applied to {@code input}.
     *
     * @param stage the stage name that a suppressed exception must name ("map" matches "map#2"), or null
     *     to skip that part of the check
     */
    OperatorHarness<I, O> userFunctionFailure(Function<Flow<I>, Flow<O>> failing, List<I> input, String stage) {
        this.failingOperator = failing;
        this.failingInput = List.copyOf(input);
        this.failingStage = stage;
        return this;
    }

    /** The input of the early-cancellation check (default: the first list scenario with output). */
    OperatorHarness<I, O> earlyCancelInput(List<I> input) {
        this.earlyCancelInput = List.copyOf(input);
        return this;
    }

    /** The early-cancellation check also asserts that exactly {@code pulls} input elements were pulled. */
    OperatorHarness<I, O> earlyCancelPulls(int pulls) {
        this.earlyCancelPulls = pulls;
        return this;
    }

    /** Runs every check's flow with {@code runner} instead of {@link Flow#collect} (e.g. on virtual time). */
    OperatorHarness<I, O> runWith(Runner<O> runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.customRunner = true;
        return this;
    }

    // ------------------------------------------------------------------ the tests

    /** The dynamic tests: every scenario plus the shared checks. */
    Stream<DynamicTest> tests() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario<I, O> s : scenarios) {
            tests.add(test("scenario: " + s.description(), () -> checkScenario(s, 1)));
            tests.add(test("collected twice: " + s.description(), () -> checkScenario(s, 2)));
        }
        if (!source) {
            tests.add(test("empty input", this::checkEmpty));
        }
        if (checkUpstreamError) {
            tests.add(test("upstream error passes through unchanged", this::checkUpstreamError));
        }
        if (failingOperator != null) {
            tests.add(test("user function failure reaches the terminal unchanged", this::checkUserFailure));
        }
        tests.add(test("early cancellation by take(1) downstream", this::checkEarlyCancel));
        return tests.stream();
    }

    private DynamicTest test(String what, Executable body) {
        return DynamicTest.dynamicTest(name + " — " + what,
                () -> assertTimeoutPreemptively(SAFETY_TIMEOUT, body, () -> name + " — " + what + " hung"));
    }

    /** The outcome of one run: what was emitted, and what was thrown (or null). */
    private record Outcome<O>(List<O> emitted, Throwable thrown) {
    }

    private Outcome<O> run(Flow<O> flow) {
        Set<Thread> before = FlowThreads.live();
        List<O> emitted = Collections.synchronizedList(new ArrayList<>());
        Throwable thrown = null;
        try {
            runner.run(flow, value -> {
                assertThat(value).as("elements are never null").isNotNull();
                emitted.add(value);
            });
        } catch (Throwable t) {
            thrown = t;
        }
        assertNoNewThreads(before);
        return new Outcome<>(List.copyOf(emitted), thrown);
    }

    private void assertNoNewThreads(Set<Thread> before) {
        Set<Thread> leaked = new HashSet<>(FlowThreads.live());
        leaked.removeAll(before);
        assertThat(leaked).as("tide-flow threads still running after the terminal operation").isEmpty();
    }

    private void checkScenario(Scenario<I, O> s, int times) {
        Flow<O> flow = operator.apply(s.input());
        for (int i = 1; i <= times; i++) {
            String run = times == 1 ? "" : " (collection " + i + ")";
            Outcome<O> outcome = run(flow);
            if (s.error() == null) {
                if (outcome.thrown() != null) {
                    fail("expected completion" + run + " after " + outcome.emitted() + " but failed", outcome.thrown());
                }
                if (s.expected() != null) {
                    assertThat(outcome.emitted()).as("output" + run).containsExactlyElementsOf(s.expected());
                } else {
                    s.verifier().accept(outcome.emitted());
                }
            } else {
                assertThat(outcome.emitted()).as("output before the error" + run)
                        .containsExactlyElementsOf(s.expected());
                assertThat(outcome.thrown()).as("error" + run).isNotNull();
                assertThat(outcome.thrown().getClass()).as("error class" + run).isEqualTo(s.error());
                assertThat(s.errorCheck().test(outcome.thrown())).as("error check on " + outcome.thrown()).isTrue();
            }
        }
    }

    private void checkEmpty() {
        Outcome<O> outcome = run(operator.apply(Flow.empty()));
        if (outcome.thrown() != null) {
            fail("expected completion on empty input but failed", outcome.thrown());
        }
        assertThat(outcome.emitted()).as("output for empty input").containsExactlyElementsOf(whenEmpty);
    }

    private void checkUpstreamError() {
        IllegalStateException error = new IllegalStateException("upstream failed");
        Outcome<O> outcome = run(operator.apply(failingAfter(List.of(), error)));
        assertThat(outcome.thrown()).as("the upstream's own exception instance").isSameAs(error);
    }

    private void checkUserFailure() {
        Flow<O> flow = failingOperator.apply(Flow.fromIterable(failingInput));
        Outcome<O> outcome = run(flow);
        assertUserFailure(outcome.thrown());
        if (!customRunner) {
            Set<Thread> before = FlowThreads.live();
            Throwable viaToList = null;
            try {
                flow.toList();
            } catch (Throwable t) {
                viaToList = t;
            }
            assertNoNewThreads(before);
            assertUserFailure(viaToList);
        }
    }

    private void assertUserFailure(Throwable thrown) {
        assertThat(thrown).as("the user function's exception").isNotNull();
        assertThat(thrown.getClass().getName()).as("not wrapped: " + thrown)
                .isNotEqualTo(FlowException.class.getName());
        assertThat(thrown.getStackTrace()).as("stack trace").isNotEmpty();
        String top = thrown.getStackTrace()[0].getClassName();
        assertThat(top.equals(testClass.getName()) || top.startsWith(testClass.getName() + "$"))
                .as("first stack frame " + thrown.getStackTrace()[0] + " is in " + testClass.getName())
                .isTrue();
        if (failingStage != null) {
            List<String> suppressed = new ArrayList<>();
            for (Throwable s : thrown.getSuppressed()) {
                suppressed.add(String.valueOf(s.getMessage()));
            }
            assertThat(suppressed).as("a suppressed exception names the stage '" + failingStage + "'")
                    .anySatisfy(m -> assertThat(m).containsPattern("stage " + java.util.regex.Pattern.quote(
                            failingStage) + "(#\\d+)?\\b"));
        }
    }

    private void checkEarlyCancel() {
        if (source) {
            checkSourceEarlyCancel();
            return;
        }
        List<I> input = earlyCancelInput;
        List<O> expectedFirst = null;
        if (input == null) {
            for (Scenario<I, O> s : scenarios) {
                if (s.inputList() != null && s.error() == null && s.expected() != null && !s.expected().isEmpty()) {
                    input = s.inputList();
                    expectedFirst = s.expected().subList(0, 1);
                    break;
                }
            }
        }
        if (input == null) {
            for (Scenario<I, O> s : scenarios) {
                if (s.inputList() != null && s.error() == null) {
                    input = s.inputList();
                    break;
                }
            }
        }
        assertThat(input).as("an input for the early-cancellation check: add a list scenario or earlyCancelInput")
                .isNotNull();
        Probe<I> probe = new Probe<>(input);
        Outcome<O> outcome = run(operator.apply(probe).take(1));
        probe.terminated.set(true);
        if (outcome.thrown() != null) {
            fail("take(1) downstream failed", outcome.thrown());
        }
        assertThat(outcome.emitted().size()).as("take(1) emits at most one element").isLessThanOrEqualTo(1);
        if (expectedFirst != null) {
            assertThat(outcome.emitted()).as("take(1) output").containsExactlyElementsOf(expectedFirst);
        }
        assertThat(probe.closed.get()).as("upstream's finally ran once per collection").isEqualTo(probe.opened.get());
        assertThat(probe.pulledAfterTerminal.get()).as("elements pulled after the terminal returned").isZero();
        if (earlyCancelPulls >= 0) {
            assertThat(probe.pulled.get()).as("elements pulled from upstream").isEqualTo(earlyCancelPulls);
        }
    }

    private void checkSourceEarlyCancel() {
        Scenario<I, O> chosen = null;
        for (Scenario<I, O> s : scenarios) {
            if (s.error() == null && (s.verifier() != null || !s.expected().isEmpty())) {
                chosen = s;
                break;
            }
        }
        assertThat(chosen).as("a scenario with output for the early-cancellation check").isNotNull();
        Outcome<O> outcome = run(operator.apply(chosen.input()).take(1));
        if (outcome.thrown() != null) {
            fail("take(1) downstream failed", outcome.thrown());
        }
        assertThat(outcome.emitted().size()).as("take(1) emits at most one element").isLessThanOrEqualTo(1);
        if (chosen.expected() != null) {
            assertThat(outcome.emitted()).as("take(1) output").containsExactly(chosen.expected().get(0));
        }
    }

    /** A source over a list that counts collections, finally blocks and pulls. */
    private static final class Probe<T> implements Flow<T> {
        final List<T> elements;
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger pulled = new AtomicInteger();
        final AtomicInteger pulledAfterTerminal = new AtomicInteger();
        final AtomicBoolean terminated = new AtomicBoolean();

        Probe(List<T> elements) {
            this.elements = elements;
        }

        @Override
        public void collect(Emitter<? super T> emitter) throws Exception {
            opened.incrementAndGet();
            try {
                for (T element : elements) {
                    pulled.incrementAndGet();
                    if (terminated.get()) {
                        pulledAfterTerminal.incrementAndGet();
                    }
                    emitter.emit(element);
                }
            } finally {
                closed.incrementAndGet();
            }
        }
    }

    // ------------------------------------------------------------------ input helpers

    /** A flow that emits {@code elements} and then fails with {@code error} (the same instance every time). */
    static <T> Flow<T> failingAfter(List<T> elements, Throwable error) {
        List<T> copy = List.copyOf(elements);
        return emitter -> {
            for (T element : copy) {
                emitter.emit(element);
            }
            if (error instanceof Exception e) {
                throw e;
            }
            throw (Error) error;
        };
    }
}
