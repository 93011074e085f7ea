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
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * RESUMABLE consumers: resuming after commits (per shard where the backend has shards, across a restart
 * where it is PERSISTENT) and the starting position without a commit. Without RESUMABLE, each scenario
 * checks that creating its consumers fails with UNSUPPORTED and that the connection still serves.
 */
abstract class ResumableScenarios extends Scenarios {

    ResumableScenarios(AbstractStreamerConformanceTest suite) {
        super(suite);
    }

    @Test
    @DisplayName("RESUMABLE resumes after each shard's last commit when created again (after a restart when PERSISTENT),"
            + " a later commit moving the position forward; without it, creating one fails with UNSUPPORTED")
    void resumableResumesAfterCommit() {
        StreamKey key = newStreamKey("resume");
        int shards = shardsTestable() ? 2 : 1;
        createStream(key, shards);
        ConsumerOptions options = ConsumerOptions.resumable().group(newGroupName("resume")).reset(StreamReset.EARLIEST);
        if (!has(Feature.RESUMABLE)) {
            assertKind(StreamException.Kind.UNSUPPORTED, () -> streamer().consumer(List.of(key), consumerOptions(options)));
            assertStillServes(key);
            return;
        }
        Consumer first = consumer(options, key);
        sendPerShard(producer(key), key, shards, 6);
        List<Message> got = receive(first, 6 * shards);
        for (int s = 0; s < shards; s++) {
            assertThat(textsOfShard(got, s)).as("shard %d", s).containsExactlyElementsOf(payloads("s" + s + "-", 6));
        }
        first.commit(find(got, "s0-0"));
        await(first.commitAsync(find(got, "s0-2")));
        if (shards > 1) {
            first.commit(find(got, "s1-4"));
        }
        first.close();
        if (has(Feature.PERSISTENT)) {
            restart();
        }

        List<Message> again = receive(consumer(options, key), shards > 1 ? 4 : 3);

        assertThat(textsOfShard(again, 0)).as("shard 0 after its commits of s0-0 then s0-2")
                .containsExactly("s0-3", "s0-4", "s0-5");
        if (shards > 1) {
            assertThat(textsOfShard(again, 1)).as("shard 1 after its commit of s1-4").containsExactly("s1-5");
        }
    }

    @Test
    @DisplayName("RESUMABLE without a commit starts per its reset; without a group it uses the host default;"
            + " without RESUMABLE, creating one with or without a group fails with UNSUPPORTED")
    void resumableWithoutCommitStartsPerReset() {
        StreamKey key = newStreamKey("resume-reset");
        createStream(key, 1);
        Producer producer = producer(key);
        sendAll(producer, key, "old", 2);
        ConsumerOptions fromLatest = ConsumerOptions.resumable().group(newGroupName("latest"));
        ConsumerOptions hostDefault = ConsumerOptions.resumable();
        ConsumerOptions fromEarliest = ConsumerOptions.resumable().group(newGroupName("earliest")).reset(StreamReset.EARLIEST);
        if (!has(Feature.RESUMABLE)) {
            assertKind(StreamException.Kind.UNSUPPORTED, () -> streamer().consumer(List.of(key), consumerOptions(fromLatest)));
            assertKind(StreamException.Kind.UNSUPPORTED, () -> streamer().consumer(List.of(key), consumerOptions(hostDefault)));
            assertStillServes(key);
            return;
        }
        Consumer latest = consumer(fromLatest, key);
        Consumer byHost = consumer(hostDefault, key);
        Consumer earliest = consumer(fromEarliest, key);
        sendAll(producer, key, "new", 2);

        assertThat(texts(receive(latest, 2))).containsExactly("new0", "new1");
        assertThat(texts(receive(byHost, 2))).containsExactly("new0", "new1");
        if (has(Feature.EARLIEST_REPLAY)) {
            assertThat(texts(receive(earliest, 4))).containsExactly("old0", "old1", "new0", "new1");
        } else {
            assertThat(texts(receive(earliest, 2))).as("EARLIEST without EARLIEST_REPLAY").containsExactly("new0", "new1");
        }
    }
}
