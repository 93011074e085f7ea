package dev.tide.flow;

import static dev.tide.flow.MapConcurrentTest.awaitLatch;
import static dev.tide.flow.MapConcurrentTest.newThreadsSince;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** mapConcurrentByKey: in order per key, concurrent across keys, keys counted against a budget. */
class MapConcurrentByKeyTest {

    private static final Duration SAFETY = Duration.ofSeconds(20);

    /** "k:v" strings: key k. */
    private static String key(String s) {
        return s.substring(0, s.indexOf(':'));
    }

    private static List<String> perKey(List<String> out, String k) {
        return out.stream().filter(s -> key(s).equals(k)).toList();
    }

    @TestFactory
    Stream<DynamicTest> mapConcurrentByKey() {
        List<String> input = List.of("a:1", "b:1", "a:2", "c:1", "b:2", "a:3");
        return OperatorHarness.<String, String>operator("mapConcurrentByKey",
                        up -> up.mapConcurrentByKey(3, MapConcurrentByKeyTest::key, s -> s + "!"))
                .satisfies("each key in input order", input, out -> {
                    assertThat(out).containsExactlyInAnyOrderElementsOf(input.stream().map(s -> s + "!").toList());
                    assertThat(perKey(out, "a")).containsExactly("a:1!", "a:2!", "a:3!");
                    assertThat(perKey(out, "b")).containsExactly("b:1!", "b:2!");
                })
                .emits("a single key is sequential", List.of("k:1", "k:2", "k:3"), List.of("k:1!", "k:2!", "k:3!"))
                .userFunctionFailure(up -> up.mapConcurrentByKey(2, MapConcurrentByKeyTest::key, s -> {
                    throw new OperatorHarness.Boom();
                }), List.of("a:1", "b:1"), "mapConcurrentByKey")
                .earlyCancelInput(List.of("a:1", "a:2", "a:3"))
                .tests();
    }

    @TestFactory
    Stream<DynamicTest> keyFunctionFailure() {
        return OperatorHarness.<String, String>operator("mapConcurrentByKey (key)",
                        up -> up.mapConcurrentByKey(2, s -> 0, s -> s))
                .emits("one key keeps the order", List.of("x", "y", "z"), List.of("x", "y", "z"))
                .userFunctionFailure(up -> up.mapConcurrentByKey(2, s -> {
                    throw new OperatorHarness.Boom();
                }, s -> s), List.of("a:1"), "mapConcurrentByKey")
                .tests();
    }

    @Test
    void differentKeysOvertakeABlockedKey() {
        assertTimeoutPreemptively(SAFETY, () -> {
            CountDownLatch bDone = new CountDownLatch(2);
            List<String> out = new ArrayList<>();
            Flow.of("a:1", "a:2", "b:1", "b:2").mapConcurrentByKey(4, MapConcurrentByKeyTest::key, s -> {
                if (s.equals("a:1")) {
                    awaitLatch(bDone); // key a waits until both b elements went downstream
                }
                return s;
            }).forEach(s -> {
                out.add(s);
                if (key(s).equals("b")) {
                    bDone.countDown();
                }
            });
            assertThat(out).containsExactly("b:1", "b:2", "a:1", "a:2");
        });
    }

    @Test
    void neverRunsTwoCallsOfOneKeyAtOnce() {
        assertTimeoutPreemptively(SAFETY, () -> {
            Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
            AtomicInteger overlaps = new AtomicInteger();
            AtomicInteger maxAcrossKeys = new AtomicInteger();
            AtomicInteger acrossKeys = new AtomicInteger();
            List<String> input = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                input.add("k" + (i % 7) + ":" + i);
            }
            List<String> out = Flow.fromIterable(input).mapConcurrentByKey(8, MapConcurrentByKeyTest::key, s -> {
                AtomicInteger mine = running.computeIfAbsent(key(s), k -> new AtomicInteger());
                if (mine.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                maxAcrossKeys.accumulateAndGet(acrossKeys.incrementAndGet(), Math::max);
                for (int spin = 0; spin < 200; spin++) {
                    Thread.onSpinWait();
                }
                Thread.yield();
                acrossKeys.decrementAndGet();
                mine.decrementAndGet();
                return s;
            }).toList();
            assertThat(overlaps.get()).isZero();
            assertThat(out).containsExactlyInAnyOrderElementsOf(input);
            for (int k = 0; k < 7; k++) {
                String key = "k" + k;
                assertThat(perKey(out, key)).isEqualTo(perKey(input, key));
            }
            assertThat(maxAcrossKeys.get()).isLessThanOrEqualTo(7);
        });
    }

    @Test
    void keysInFlightCountAgainstTheBudgetAndFailWhenItIsExhausted() {
        assertTimeoutPreemptively(SAFETY, () -> {
            FlowBudget budget = FlowBudget.builder("keys").maxKeys(2).build();
            CountDownLatch never = new CountDownLatch(1);
            Set<Thread> before = FlowThreads.live();
            assertThatThrownBy(() -> Flow.of("a:1", "b:1", "c:1").mapConcurrentByKey(4, MapConcurrentByKeyTest::key, s -> {
                awaitLatch(never); // keep keys a and b in flight
                return s;
            }, budget).toList())
                    .isInstanceOf(FlowException.class)
                    .hasMessage("budget 'keys' exceeded in stage mapConcurrentByKey#2: more than 2 tracked keys (maxKeys)")
                    .satisfies(e -> assertThat(((FlowException) e).kind()).isEqualTo(FlowException.Kind.BUDGET_EXCEEDED));
            assertThat(budget.keys()).as("units given back").isZero();
            assertThat(budget.peakKeys()).isEqualTo(2);
            assertThat(newThreadsSince(before)).isEmpty();
        });
    }

    @Test
    void underShedAnElementWhoseKeyFindsNoUnitIsDroppedAndCounted() {
        assertTimeoutPreemptively(SAFETY, () -> {
            FlowBudget budget = FlowBudget.builder("keys").maxKeys(1).policy(FlowBudget.Policy.SHED).build();
            CountDownLatch bSeen = new CountDownLatch(1);
            // a:1 stays in flight until the feeder has offered b:1 (the key function sees it) and moved on
            List<String> out = Flow.of("a:1", "b:1", "a:2").mapConcurrentByKey(4, s -> {
                if (s.equals("a:2")) {
                    bSeen.countDown();
                }
                return key(s);
            }, s -> {
                if (s.equals("a:1")) {
                    awaitLatch(bSeen);
                }
                return s;
            }, budget).toList();
            assertThat(out).containsExactly("a:1", "a:2");
            assertThat(budget.shedKeys()).isEqualTo(1);
            assertThat(budget.keys()).isZero();
        });
    }
}
