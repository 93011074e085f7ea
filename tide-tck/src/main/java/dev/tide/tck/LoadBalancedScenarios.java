package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.tck.Capabilities.Feature;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * LOAD_BALANCED groups: how members split a stream (by sequence number with GROUP_ROUND_ROBIN_BY_SEQ),
 * what happens to a closed member's messages (TAKEOVER_ON_CLOSE), where a new group starts, and whether
 * a group keeps its place without members (GROUP_OUTLIVES_MEMBERS). Without LOAD_BALANCED every scenario
 * checks that creating its group member fails with UNSUPPORTED, and that no refinement of the mode is
 * claimed.
 */
abstract class LoadBalancedScenarios extends Scenarios {

    LoadBalancedScenarios(AbstractStreamerConformanceTest suite) {
        super(suite);
    }

    @Test
    @DisplayName("LOAD_BALANCED members split the stream: each message reaches exactly one member, each member gets"
            + " a share (member seq % n with GROUP_ROUND_ROBIN_BY_SEQ)")
    void loadBalancedSplit() {
        StreamKey key = newStreamKey("split");
        int shards = shardsTestable() ? 4 : 1;
        createStream(key, shards);
        ConsumerOptions options = ConsumerOptions.loadBalanced(newGroupName("split"));
        if (refusedWithoutLoadBalancing(key, options)) {
            return;
        }
        Consumer a = consumer(options, key);
        Consumer b = consumer(options, key);
        List<String> sent = sendSpread(key, shards, "m", 40);

        List<Message> gotA = new ArrayList<>();
        List<Message> gotB = new ArrayList<>();
        readTogether(List.of(a, b), List.of(gotA, gotB), sent.size());

        List<String> all = new ArrayList<>(texts(gotA));
        all.addAll(texts(gotB));
        assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        assertThat(gotA).as("member a's share").isNotEmpty();
        assertThat(gotB).as("member b's share").isNotEmpty();
        assertOrderedPerShard(gotA);
        assertOrderedPerShard(gotB);
        if (has(Feature.GROUP_ROUND_ROBIN_BY_SEQ)) {
            assertThat(gotA).allSatisfy(m -> assertThat(Long.remainderUnsigned(m.seq().value(), 2)).isZero());
            assertThat(gotB).allSatisfy(m -> assertThat(Long.remainderUnsigned(m.seq().value(), 2)).isOne());
        }
    }

    @Test
    @DisplayName("TAKEOVER_ON_CLOSE: a closed LOAD_BALANCED member's uncommitted messages are taken over by the others;"
            + " without it, what the member had received never reaches the others")
    void loadBalancedTakeover() {
        StreamKey key = newStreamKey("takeover");
        createStream(key, 1);
        ConsumerOptions options = ConsumerOptions.loadBalanced(newGroupName("takeover"));
        if (refusedWithoutLoadBalancing(key, options)) {
            return;
        }
        Consumer a = consumer(options, key);
        Producer producer = producer(key);
        sendAll(producer, key, "m", 10);
        List<Message> gotA = receive(a, 4);
        assertThat(texts(gotA)).containsExactly("m0", "m1", "m2", "m3");
        a.commit(gotA.get(1));
        Consumer b = consumer(options, key);

        a.close();

        if (has(Feature.TAKEOVER_ON_CLOSE)) {
            List<Message> gotB = receive(b, 8);
            sendAll(producer, key, "after", 1);
            Message marker = receiveOne(b);
            assertThat(texts(gotB)).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrder("m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
            assertThat(marker.asString()).isEqualTo("after0");
        } else {
            sendAll(producer, key, "after", 1);
            List<String> gotB = texts(receiveUntil(b, "after0"));
            List<String> beforeMarker = gotB.subList(0, gotB.size() - 1);
            assertThat(beforeMarker).as("what b received before the marker").doesNotHaveDuplicates()
                    .doesNotContainAnyElementsOf(texts(gotA))
                    .isSubsetOf("m4", "m5", "m6", "m7", "m8", "m9");
        }
    }

    @Test
    @DisplayName("a LOAD_BALANCED group created later starts per its reset (EARLIEST replays with EARLIEST_REPLAY,"
            + " else starts with what is sent next)")
    void loadBalancedGroupStartsPerReset() {
        StreamKey key = newStreamKey("lb-reset");
        createStream(key, 1);
        Producer producer = producer(key);
        sendAll(producer, key, "old", 3);
        ConsumerOptions fromLatest = ConsumerOptions.loadBalanced(newGroupName("latest"));
        ConsumerOptions fromEarliest = ConsumerOptions.loadBalanced(newGroupName("earliest")).reset(StreamReset.EARLIEST);
        if (refusedWithoutLoadBalancing(key, fromEarliest)) {
            return;
        }
        Consumer latest = consumer(fromLatest, key);
        Consumer earliest = consumer(fromEarliest, key);
        sendAll(producer, key, "new", 2);

        assertThat(texts(receive(latest, 2))).containsExactly("new0", "new1");
        if (has(Feature.EARLIEST_REPLAY)) {
            assertThat(texts(receive(earliest, 5))).containsExactly("old0", "old1", "old2", "new0", "new1");
        } else {
            assertThat(texts(receive(earliest, 2))).as("EARLIEST without EARLIEST_REPLAY").containsExactly("new0", "new1");
        }
    }

    @Test
    @DisplayName("GROUP_OUTLIVES_MEMBERS: a new member after everyone left resumes after the group's commits;"
            + " without it, what was sent while the group had no member never reaches it")
    void loadBalancedCommitsSurvive() {
        StreamKey key = newStreamKey("lb-commit");
        createStream(key, 1);
        ConsumerOptions options = ConsumerOptions.loadBalanced(newGroupName("commit"));
        if (refusedWithoutLoadBalancing(key, options)) {
            return;
        }
        Consumer a = consumer(options, key);
        Producer producer = producer(key);
        sendAll(producer, key, "m", 6);
        List<Message> got = receive(a, 6);
        a.commit(got.get(5));
        a.close();
        sendAll(producer, key, "n", 2);

        Consumer b = consumer(options, key);

        if (has(Feature.GROUP_OUTLIVES_MEMBERS)) {
            assertThat(texts(receive(b, 2))).containsExactly("n0", "n1");
        } else {
            assertNextIsMarker(b, key, "the first message of the new member (n0 and n1 were sent to an empty group)");
        }
    }

    /**
     * Without {@link Feature#LOAD_BALANCED}: asserts that creating a member with these options fails with
     * UNSUPPORTED, that the connection still serves, and that no feature refining the mode is claimed;
     * returns true. With it, returns false and checks nothing.
     */
    private boolean refusedWithoutLoadBalancing(StreamKey key, ConsumerOptions options) {
        if (has(Feature.LOAD_BALANCED)) {
            return false;
        }
        assertThat(capabilities().features()).as("features that refine LOAD_BALANCED, claimed without it")
                .doesNotContain(Feature.TAKEOVER_ON_CLOSE, Feature.GROUP_OUTLIVES_MEMBERS, Feature.GROUP_ROUND_ROBIN_BY_SEQ);
        assertKind(StreamException.Kind.UNSUPPORTED, () -> streamer().consumer(List.of(key), consumerOptions(options)));
        assertStillServes(key);
        return true;
    }
}
