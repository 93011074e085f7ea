package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Receipt;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entries as SeaStreamer writes and reads them, checked with raw Redis commands. */
class WireCompatibilityTest extends RedisTestSupport {

    @Test
    void readsEntriesWrittenAsSeaStreamerWritesThem() {
        StreamKey key = newKey("sea");
        String id0 = seaStreamerXadd(key.name(), "hello");
        String id3 = seaStreamerXadd(key.name() + ":3", "sharded");
        Streamer streamer = connect();

        RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime().reset(StreamReset.EARLIEST), key);
        List<Message> got = receive(consumer, 2);

        Message plain = got.stream().filter(m -> m.shard().equals(ShardId.ZERO)).findFirst().orElseThrow();
        Message shard3 = got.stream().filter(m -> m.shard().equals(ShardId.of(3))).findFirst().orElseThrow();
        assertThat(plain.asString()).isEqualTo("hello");
        assertThat(shard3.asString()).isEqualTo("sharded");
        assertThat(plain.key()).isEqualTo(key);
        assertThat(shard3.key()).isEqualTo(key);
        long ms = Long.parseLong(id0.substring(0, id0.indexOf('-')));
        long n = Long.parseLong(id0.substring(id0.indexOf('-') + 1));
        assertThat(plain.seq()).isEqualTo(SeqNo.of((ms << 16) | n));
        assertThat(plain.timestamp()).isEqualTo(Instant.ofEpochMilli(ms));
        assertThat(EntryId.of(shard3.seq())).hasToString(id3);
        // the plain key and the shard key found by SCAN are both read
        assertThat(consumer.shards().get(key)).containsExactly(ShardId.ZERO, ShardId.of(3));
    }

    @Test
    void writesEntriesAsSeaStreamerReadsThem() {
        StreamKey key = newKey("tide");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer);
        Receipt plain = await(producer.send(key, "to plain"));
        Receipt sharded = await(producer.send(key, ShardId.of(2), "to shard 2".getBytes()));

        List<?> entries = (List<?>) redis.call("XRANGE", key.name(), "-", "+");
        assertThat(entries).hasSize(1);
        List<?> entry = (List<?>) entries.get(0);
        assertThat(entry.get(0)).isEqualTo(EntryId.of(plain.seq()).toString());
        assertThat(entry.get(1)).isEqualTo(List.of("msg", "to plain"));
        List<?> shardEntry = (List<?>) ((List<?>) redis.call("XRANGE", key.name() + ":2", "-", "+")).get(0);
        assertThat(shardEntry.get(0)).isEqualTo(EntryId.of(sharded.seq()).toString());
        assertThat(shardEntry.get(1)).isEqualTo(List.of("msg", "to shard 2"));
        assertThat(plain.shard()).isEqualTo(ShardId.ZERO);
        assertThat(sharded.shard()).isEqualTo(ShardId.of(2));
        assertThat(plain.timestamp()).isEqualTo(Instant.ofEpochMilli(plain.seq().value() >>> 16));
        assertThat(redis.call("EXISTS", key.name() + ":0")).isEqualTo(0L);
    }

    @Test
    void theMessageFieldIsConfigurableAndOtherEntriesAreSkipped() {
        StreamKey key = newKey("field");
        redis.call("XADD", key.name(), "*", "other", "ignored");
        redis.call("XADD", key.name(), "*", "payload", "mine", "extra", "ignored too");
        Streamer streamer = connect(ConnectOptions.defaults().with(RedisOptions.MESSAGE_FIELD, "payload"));
        RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime().reset(StreamReset.EARLIEST), key);
        await(producer(streamer).send(key, "sent"));

        assertThat(texts(receive(consumer, 2))).containsExactly("mine", "sent");
        List<?> last = (List<?>) ((List<?>) redis.call("XREVRANGE", key.name(), "+", "-", "COUNT", 1)).get(0);
        assertThat(last.get(1)).isEqualTo(List.of("payload", "sent"));
    }

    @Test
    void anIdBeyondTheSequenceMappingIsReportedOnceAndSkipped() {
        StreamKey key = newKey("bad-id");
        redis.call("XADD", key.name(), "5-70000", "msg", "unrepresentable");
        redis.call("XADD", key.name(), "6-0", "msg", "fine");
        Streamer streamer = connect();
        RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime().reset(StreamReset.EARLIEST), key);

        assertKind(StreamException.Kind.FORMAT, consumer::next);
        Message next = consumer.next();
        assertThat(next.asString()).isEqualTo("fine");
        assertThat(next.seq()).isEqualTo(SeqNo.of(6L << 16));
    }

    @Test
    void binaryPayloadsRoundTripUnchanged() {
        StreamKey key = newKey("binary");
        byte[] payload = new byte[256];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        Streamer streamer = connect();
        RedisConsumer consumer = consumer(streamer, ConsumerOptions.realTime(), key);
        await(producer(streamer).send(key, payload));
        assertThat(receive(consumer, 1).get(0).bytes()).isEqualTo(payload);
    }
}
