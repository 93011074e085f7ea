package dev.tide.redis;

import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Streamer;
import dev.tide.tck.AbstractStreamerConformanceTest;
import dev.tide.tck.Capabilities;
import dev.tide.tck.Capabilities.Feature;
import dev.tide.tck.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance suite against a real {@code redis-server}. Redis sequence numbers come from entry ids
 * (time based, not contiguous, no fixed first value) and groups share messages first-come-first-served,
 * not by sequence number; everything else is claimed.
 */
class RedisConformanceTest extends AbstractStreamerConformanceTest {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected Streamer connect() {
        return Streamer.connect(redis.uri() + "/");
    }

    @Override
    protected Capabilities capabilities() {
        return Capabilities.all()
                .without(Feature.CONTIGUOUS_SEQ, Feature.GROUP_ROUND_ROBIN_BY_SEQ)
                .noFixedFirstSeq()
                .timestampResolution(Duration.ofMillis(1));
    }

    /**
     * Tuned for a test's time scale: shards created after a consumer started are found within 50 ms,
     * and a closed member's messages are claimed within 100 ms. LOAD_BALANCED members read one entry
     * per shard at a time, so that two members share a burst that arrived before either looked.
     */
    @Override
    protected ConsumerOptions consumerOptions(ConsumerOptions options) {
        ConsumerOptions tuned = options
                .with(RedisOptions.DISCOVERY_INTERVAL, Duration.ofMillis(50))
                .with(RedisOptions.AUTO_CLAIM_INTERVAL, Duration.ofMillis(100));
        return options.mode() == ConsumerMode.LOAD_BALANCED ? tuned.with(RedisOptions.BATCH_SIZE, 1) : tuned;
    }
}
