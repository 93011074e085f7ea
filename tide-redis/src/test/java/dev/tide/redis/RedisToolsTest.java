package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConnectOptions;
import dev.tide.Message;
import dev.tide.Receipt;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisToolsTest extends RedisTestSupport {

    @Test
    void aSnapshotMergesEveryShardOfEveryStreamInTimeOrderWithRedisHeaders() {
        StreamKey a = newKey("dump-a");
        StreamKey b = newKey("dump-b");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer);
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            receipts.add(await(switch (i % 3) {
                case 0 -> producer.send(a, "a" + i);
                case 1 -> producer.send(a, ShardId.of(2), ("a2-" + i).getBytes());
                default -> producer.send(b, ShardId.of(1), ("b1-" + i).getBytes());
            }));
        }
        redis.call("XADD", a.name(), "*", "not-msg", "skipped");
        StreamUrl url = StreamUrl.parse(redis.uri() + "/" + a + "," + b);

        List<Message> all = RedisTools.snapshot(url, ConnectOptions.defaults(), Optional.empty(), Optional.empty()).toList();

        List<Receipt> byTime = new ArrayList<>(receipts);
        byTime.sort(java.util.Comparator.comparing(Receipt::seq).thenComparing(Receipt::key).thenComparing(Receipt::shard));
        assertThat(all).extracting(Message::header).containsExactlyElementsOf(byTime.stream().map(Receipt::header).toList());
        // the flow is cold: collecting it again reads again
        assertThat(RedisTools.snapshot(url, ConnectOptions.defaults(), Optional.empty(), Optional.empty()).count()).isEqualTo(30);
    }

    @Test
    void sinceAndUntilAreInclusive() {
        StreamKey key = newKey("dump-range");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer);
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            if (i > 0) {
                letTimePass(receipts.get(i - 1).timestamp());
            }
            receipts.add(await(producer.send(key, "m" + i)));
        }
        StreamUrl url = StreamUrl.parse(redis.uri() + "/" + key);
        Instant since = receipts.get(1).timestamp();
        Instant until = receipts.get(3).timestamp().plusNanos(999_999);

        List<Message> range = RedisTools.snapshot(url, ConnectOptions.defaults(), Optional.of(since), Optional.of(until)).toList();
        assertThat(texts(range)).containsExactly("m1", "m2", "m3");
        assertThat(RedisTools.snapshot(url, ConnectOptions.defaults(), Optional.of(Instant.EPOCH), Optional.of(since.minusMillis(1)))
                .count()).isEqualTo(1);
    }

    @Test
    void aKeyThatIsNotAStreamFailsTheSnapshot() {
        StreamKey key = newKey("dump-string");
        redis.call("SET", key.name(), "text");
        StreamUrl url = StreamUrl.parse(redis.uri() + "/" + key);
        assertKind(StreamException.Kind.BACKEND, () -> RedisTools.snapshot(url, ConnectOptions.defaults(), Optional.empty(),
                Optional.empty()).toList());
        assertKind(StreamException.Kind.STREAM_KEY_EMPTY, () -> RedisTools.snapshot(StreamUrl.parse(redis.uri() + "/"),
                ConnectOptions.defaults(), Optional.empty(), Optional.empty()));
    }

    @Test
    void trimByLengthAndByTime() {
        StreamKey a = newKey("trim-a");
        StreamKey b = newKey("trim-b");
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer);
        sendAll(producer, a, "a", 0, 20);
        List<Receipt> bs = sendAll(producer, b, "b", 0, 10);
        StreamUrl url = StreamUrl.parse(redis.uri() + "/" + a + "," + b);

        Map<StreamKey, Long> removed = RedisTools.trimMaxLength(url, ConnectOptions.defaults(), 4, true);
        assertThat(removed).containsEntry(a, 16L).containsEntry(b, 6L);
        assertThat(redis.call("XLEN", a.name())).isEqualTo(4L);

        Map<StreamKey, Long> byTime = RedisTools.trimMinTimestamp(StreamUrl.parse(redis.uri() + "/" + b), ConnectOptions.defaults(),
                bs.get(9).timestamp().plusMillis(1), true);
        assertThat(byTime).containsEntry(b, 4L);
        assertThat(redis.call("XLEN", b.name())).isEqualTo(0L);
    }
}
