package dev.tide.kafka;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import dev.tide.tck.AbstractStreamerConformanceTest;
import dev.tide.tck.Capabilities;
import dev.tide.tck.Capabilities.Feature;
import java.time.Duration;

/**
 * The conformance suite against the real test broker. Kafka does everything the suite checks except
 * SeaStreamer's round-robin-by-sequence groups (Kafka balances by partition) and rejecting unknown
 * {@code kafka.*} options (they are client properties, passed through). Sequence numbers are offsets,
 * from 0; timestamps are milliseconds.
 */
class KafkaConformanceTest extends AbstractStreamerConformanceTest {

    @Override
    protected Streamer connect() {
        return Streamer.connect(KafkaTesting.broker().uri() + "/", ConnectOptions.defaults().timeout(Duration.ofSeconds(30)));
    }

    @Override
    protected Capabilities capabilities() {
        return Capabilities.all()
                .without(Feature.GROUP_ROUND_ROBIN_BY_SEQ, Feature.REJECTS_UNKNOWN_OPTIONS)
                .firstSeq(0)
                .timestampResolution(Duration.ofMillis(1));
    }

    @Override
    protected void createStream(StreamKey key, int shards) {
        ((KafkaStreamer) streamer()).createTopic(key, shards);
    }

    @Override
    protected ConsumerOptions consumerOptions(ConsumerOptions options) {
        return KafkaTesting.fastGroups(options);
    }

    @Override
    protected Duration patience() {
        return KafkaTesting.PATIENCE;
    }
}
