package dev.tide.stdio;

import static dev.tide.stdio.StdioFixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What consumers read from the input: defaults, dispatch, bad lines, strict mode, the end of input. */
class StdioInputTest {

    private static final StreamKey A = StreamKey.of("a");
    private static final StreamKey B = StreamKey.of("b");

    private final StdioFixture io = new StdioFixture();

    @AfterEach
    void close() {
        io.close();
    }

    private static Message next(Consumer c) {
        return c.poll(PATIENCE).orElseThrow(() -> new AssertionError("no message within " + PATIENCE + " for " + c));
    }

    private static String describe(Message m) {
        return m.key() + "/" + m.shard() + "/" + m.seq() + ":" + m.asString();
    }

    private static List<String> drain(Consumer c) {
        List<String> out = new ArrayList<>();
        c.flow().forEach(m -> out.add(m.asString()));
        return out;
    }

    @Test
    void missingPartsTakeSeaStreamersDefaults() {
        Consumer c = io.connect().consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed("[a] one\n[2022-01-01T00:00:00.25 | a] two\n");
        Message one = next(c);
        assertThat(one.header().timestamp()).isEqualTo(io.clock.instant());
        assertThat(one.shard()).isEqualTo(ShardId.ZERO);
        assertThat(one.seq()).isEqualTo(SeqNo.ZERO);
        assertThat(one.asString()).isEqualTo("one");
        Message two = next(c);
        assertThat(two.timestamp()).isEqualTo(Instant.parse("2022-01-01T00:00:00.25Z"));
        assertThat(two.seq()).isEqualTo(SeqNo.of(1));
    }

    @Test
    void sequenceNumbersCountPerKeyAndShardAndContinueAfterAnExplicitOne() {
        Consumer c = io.connect().consumer(List.of(A, B), ConsumerOptions.realTime());
        io.input.feed("[a] x\n[a] x\n[b] x\n[a | 10] x\n[a] x\n[a | 7 | 3] x\n[a] x\n[a | 0 | 3] x\n[a | 1 | 3] x\n"
                + "[a | 18446744073709551615] x\n[a] x\n");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            Message m = next(c);
            seen.add(m.key() + "/" + m.shard() + "/" + m.seq());
        }
        // Tide: the line after an explicit seq n gets n + 1 (SeaStreamer would reuse n).
        assertThat(seen).containsExactly("a/0/0", "a/0/1", "b/0/0", "a/0/10", "a/0/11", "a/3/7", "a/0/12", "a/3/0",
                "a/3/1", "a/0/18446744073709551615", "a/0/0");
    }

    @Test
    void payloadsShareTheLineBytes() {
        Consumer c = io.connect().consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed("[a]   padded and trimmed  \r\n");
        Message m = next(c);
        assertThat(m.asString()).isEqualTo("padded and trimmed");
        assertThat(m.size()).isEqualTo(18);
    }

    @Test
    void linesWithoutKeyAreBroadcastAndKeyedLinesGoToTheirSubscribers() {
        Streamer s = io.connect();
        Consumer onlyA = s.consumer(List.of(A), ConsumerOptions.realTime());
        Consumer onlyB = s.consumer(List.of(B), ConsumerOptions.realTime());
        Consumer both = s.consumer(List.of(A, B), ConsumerOptions.realTime());
        io.input.feed("raw line\n[a] to a\n[b] to b\n[broadcast] only to subscribers of broadcast\n[c] to nobody\n"
                + "[2022-01-01T00:00:00] timed broadcast\n");
        io.input.end();
        assertThat(drainDescribed(onlyA)).containsExactly("broadcast/0/0:raw line", "a/0/0:to a", "broadcast/0/2:timed broadcast");
        assertThat(drainDescribed(onlyB)).containsExactly("broadcast/0/0:raw line", "b/0/0:to b", "broadcast/0/2:timed broadcast");
        assertThat(drainDescribed(both)).containsExactly("broadcast/0/0:raw line", "a/0/0:to a", "b/0/0:to b",
                "broadcast/0/2:timed broadcast");
    }

    @Test
    void anExplicitBroadcastKeyIsAnOrdinaryKey() {
        Streamer s = io.connect();
        Consumer broadcast = s.consumer(List.of(StreamKey.of("broadcast")), ConsumerOptions.realTime());
        Consumer other = s.consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed("[broadcast] explicit\n[a] marker\n");
        assertThat(next(broadcast).asString()).isEqualTo("explicit");
        assertThat(next(other).asString()).isEqualTo("marker");
    }

    private static List<String> drainDescribed(Consumer c) {
        List<String> out = new ArrayList<>();
        c.flow().forEach(m -> out.add(describe(m)));
        return out;
    }

    @Test
    void groupsDeliverEachLineToMemberSeqModuloSizeInCreationOrder() {
        Streamer s = io.connect();
        Consumer plain = s.consumer(List.of(A), ConsumerOptions.realTime());
        Consumer g1 = s.consumer(List.of(A), ConsumerOptions.loadBalanced("g"));
        Consumer g2 = s.consumer(List.of(A), ConsumerOptions.loadBalanced("g"));
        Consumer g3 = s.consumer(List.of(A), ConsumerOptions.loadBalanced("g"));
        Consumer other = s.consumer(List.of(A), ConsumerOptions.loadBalanced("other"));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            lines.append("[a] ").append(i).append('\n');
        }
        lines.append("[a | 100] hundred\nbroadcast zero\n");
        io.input.feed(lines.toString());
        io.input.end();
        assertThat(drain(plain)).containsExactly("0", "1", "2", "3", "4", "5", "6", "hundred", "broadcast zero");
        assertThat(drain(g1)).containsExactly("0", "3", "6", "broadcast zero");
        assertThat(drain(g2)).containsExactly("1", "4", "hundred");
        assertThat(drain(g3)).containsExactly("2", "5");
        assertThat(drain(other)).containsExactly("0", "1", "2", "3", "4", "5", "6", "hundred", "broadcast zero");
    }

    @Test
    void groupMembershipCountsOnlyMembersReadingTheKey() {
        Streamer s = io.connect();
        Consumer readsA = s.consumer(List.of(A), ConsumerOptions.loadBalanced("g"));
        Consumer readsB = s.consumer(List.of(B), ConsumerOptions.loadBalanced("g"));
        io.input.feed("[a] 0\n[a] 1\n[b] 0\n[b] 1\n");
        io.input.end();
        assertThat(drain(readsA)).containsExactly("0", "1");
        assertThat(drain(readsB)).containsExactly("0", "1");
    }

    @Test
    void malformedAndNonUtf8LinesAreReportedAndSkippedAndTheirNeighboursKept() {
        Consumer c = io.connect().consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed("[a] 1\n[a | abc] bad seq\n[a] 2\n");
        io.input.feed(new byte[] {'[', 'a', ']', ' ', (byte) 0xFF, '\n'});
        io.input.feed("[a] 3\n[\"array\",\"of\",\"values\"]\r\n[a] 4");
        io.input.end();
        assertThat(drain(c)).containsExactly("1", "2", "3", "4");
        assertThat(io.errorLines()).containsExactly(
                "tide stdio: line 2: Unknown part: abc: [a | abc] bad seq (skipped)",
                "tide stdio: line 4: invalid UTF-8 at byte 4: [a] \uFFFD (skipped)",
                "tide stdio: line 6: Unknown part: \"array\",\"of\",\"values\": [\"array\",\"of\",\"values\"]\\r (skipped)");
    }

    @Test
    void overLongLinesAreReportedAndSkipped() {
        Consumer c = io.connect(o -> o.with(StdioOptions.MAX_LINE_BYTES, 10)).consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed("[a] short\n[a] far too long\n[a] ok\n");
        io.input.end();
        assertThat(drain(c)).containsExactly("short", "ok");
        assertThat(io.errorLines()).containsExactly(
                "tide stdio: line 2: line too long: 16 bytes, at most 10 are accepted (stdio.max-line-bytes): [a] far to… (skipped)");
    }

    @Test
    void longRejectedLinesAreQuotedShortened() {
        String quoted = InputHub.quote(("x".repeat(300)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(quoted).isEqualTo("x".repeat(200) + "… (300 bytes)");
        assertThat(InputHub.quote(new byte[] {'a', 0x1B, 'b', '\t'})).isEqualTo("a\\u001bb\t");
    }

    @Test
    void strictModeEndsTheInputWithFormatAfterTheLinesBeforeIt() {
        Streamer s = io.connect(o -> o.with(StdioOptions.STRICT, true));
        Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed("[a] 1\n[a | abc] bad seq\n[a] 2\n");
        assertThat(next(c).asString()).isEqualTo("1");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(c::next).isInstanceOfSatisfying(StreamException.class, e -> {
                assertThat(e.kind()).isEqualTo(StreamException.Kind.FORMAT);
                assertThat(e).hasMessage("stdio input line 2: Unknown part: abc: [a | abc] bad seq");
            });
        }
        Consumer late = s.consumer(List.of(A), ConsumerOptions.realTime());
        assertThatThrownBy(() -> late.poll(Duration.ZERO))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.FORMAT));
        assertThatThrownBy(() -> c.flow().toList())
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.FORMAT));
        assertThat(io.errorLines()).isEmpty();
    }

    @Test
    void strictCanBeGivenAsText() {
        Consumer c = io.connect(o -> o.with("stdio.strict", "yes")).consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed(new byte[] {(byte) 0xC0, '\n'});
        assertThatThrownBy(c::next).isInstanceOfSatisfying(StreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(StreamException.Kind.FORMAT);
            assertThat(e).hasMessage("stdio input line 1: invalid UTF-8 at byte 0: \uFFFD");
        });
    }

    @Test
    void theEndOfInputEndsConsumersAfterEverythingReadSoTheirFlowsComplete() {
        Streamer s = io.connect();
        Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed("[a] 1\n[a] 2\n[a] last line without a line feed");
        io.input.end();
        assertThat(drain(c)).containsExactly("1", "2", "last line without a line feed");
        assertThatThrownBy(c::next).isInstanceOfSatisfying(StreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(StreamException.Kind.ENDED);
            assertThat(e).hasMessageContaining("after 3 lines");
        });
        Consumer late = s.consumer(List.of(A), ConsumerOptions.realTime());
        assertThat(late.flow().toList()).isEmpty();
    }

    @Test
    void pollWaitsAtMostTheTimeoutAndZeroTakesOnlyWhatIsThere() {
        Consumer c = io.connect().consumer(List.of(A), ConsumerOptions.realTime());
        assertThat(c.poll(Duration.ZERO)).isEmpty();
        assertThat(c.poll(Duration.ofMillis(1))).isEmpty();
        io.input.feed("[a] x\n");
        assertThat(c.poll(PATIENCE).map(Message::asString)).contains("x");
    }

    @Test
    void consumersSeeLinesReadAfterTheyWereCreated() {
        Streamer s = io.connect();
        Consumer first = s.consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed("[a] before\n");
        assertThat(next(first).asString()).isEqualTo("before");
        Consumer second = s.consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed("[a] after\n");
        assertThat(next(second).asString()).isEqualTo("after");
        assertThat(next(first).asString()).isEqualTo("after");
    }

    @Test
    void connectionsOnTheSameInputShareItsLines() {
        Consumer one = io.connect().consumer(List.of(A), ConsumerOptions.realTime());
        Consumer two = io.connect().consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed("[a] x\n[a] y\n");
        io.input.end();
        assertThat(drainDescribed(one)).containsExactly("a/0/0:x", "a/0/1:y");
        assertThat(drainDescribed(two)).containsExactly("a/0/0:x", "a/0/1:y");
    }

    @Test
    void connectionsOnTheSameInputMustAgreeOnHowToReadIt() {
        io.connect();
        assertThatThrownBy(() -> io.connect(o -> o.with(StdioOptions.STRICT, true)))
                .isInstanceOfSatisfying(StreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION);
                    assertThat(e).hasMessageContaining("stdio.strict");
                });
    }

    @Test
    void withoutLoopbackPrintedMessagesAreNotConsumed() {
        Streamer s = io.connect();
        Consumer c = s.consumer(List.of(A), ConsumerOptions.realTime());
        StdioFixture.await(s.producer(A, dev.tide.ProducerOptions.defaults()).send("printed"));
        io.input.feed("[a] marker\n");
        assertThat(next(c).asString()).isEqualTo("marker");
        assertThat(io.output.lines()).containsExactly("[2024-05-06T07:08:09 | a | 0] printed");
    }

    @Test
    void consumerOptionsFollowTheModeRules() {
        Streamer s = io.connect();
        assertKind(() -> s.consumer(List.of(A), ConsumerOptions.resumable()), StreamException.Kind.UNSUPPORTED);
        assertKind(() -> s.consumer(List.of(A), ConsumerOptions.realTime().group("g")), StreamException.Kind.CONSUMER_GROUP_IS_SET);
        assertKind(() -> s.consumer(List.of(A), ConsumerOptions.of(dev.tide.ConsumerMode.LOAD_BALANCED)),
                StreamException.Kind.CONSUMER_GROUP_NOT_SET);
        assertKind(() -> s.consumer(List.of(), ConsumerOptions.realTime()), StreamException.Kind.STREAM_KEY_EMPTY);
        assertKind(() -> s.consumer(ConsumerOptions.realTime()), StreamException.Kind.STREAM_KEY_EMPTY);
        assertKind(() -> s.consumer(List.of(A), ConsumerOptions.realTime().with("stdio.x", "1")), StreamException.Kind.INVALID_OPTION);
    }

    @Test
    void theUrlKeysAreTheDefaultStreams() {
        Streamer s = io.connect("stdio:///a,b", o -> o);
        Consumer c = s.consumer(ConsumerOptions.realTime());
        assertThat(c.keys()).containsExactly(A, B);
        assertThat(s.producer().anchor()).isEmpty();
        assertThat(io.connect("stdio:///a", o -> o).producer().anchor()).contains(A);
    }

    @Test
    void positioningIsUnsupportedAndAssignmentOnlyChecksTheKeys() {
        Consumer c = io.connect().consumer(List.of(A, B), ConsumerOptions.realTime());
        assertKind(() -> c.seek(Instant.EPOCH), StreamException.Kind.UNSUPPORTED);
        assertKind(() -> c.rewind(dev.tide.SeqPos.BEGINNING), StreamException.Kind.UNSUPPORTED);
        assertKind(() -> c.assign(StreamKey.of("z"), ShardId.ZERO), StreamException.Kind.STREAM_KEY_NOT_FOUND);
        assertKind(() -> c.unassign(A, ShardId.ZERO), StreamException.Kind.STREAM_KEY_NOT_FOUND);
        c.assign(A, ShardId.ZERO);
        c.assign(B, ShardId.ZERO);
        c.unassign(B, ShardId.ZERO);
        assertKind(() -> c.unassign(A, ShardId.ZERO), StreamException.Kind.STREAM_KEY_EMPTY);
    }

    @Test
    void commitsAreNotAllowedOnRealTimeAndNeedNoStorageInAGroup() {
        Streamer s = io.connect();
        Consumer rt = s.consumer(List.of(A), ConsumerOptions.realTime());
        Consumer lb = s.consumer(List.of(A), ConsumerOptions.loadBalanced("g"));
        io.input.feed("[a] x\n");
        Message m = next(rt);
        assertKind(() -> rt.commit(m), StreamException.Kind.COMMIT_NOT_ALLOWED);
        lb.commit(m);
        StdioFixture.await(lb.commitAsync(m));
    }

    private static void assertKind(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, StreamException.Kind kind) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    @Test
    void anUnparsableLineAtTheVeryEndIsReportedToo() {
        Consumer c = io.connect().consumer(List.of(A), ConsumerOptions.realTime());
        io.input.feed("[a] 1\n[a | -1] x");
        io.input.end();
        assertThat(drain(c)).containsExactly("1");
        assertThat(io.errorLines()).containsExactly("tide stdio: line 2: Unknown part: -1: [a | -1] x (skipped)");
        assertThat(Optional.of(c.keys())).contains(List.of(A));
    }
}
