package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConsumerMode;
import dev.tide.ConsumerOptions;
import dev.tide.Receipt;
import dev.tide.SeqPos;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.Streamer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SeaStreamer's {@code seek-rewind.rs}: REAL_TIME and RESUMABLE (auto-commit disabled, so nothing is
 * prefetched) at page sizes 1, 5 and 25. Tide's positions are inclusive where SeaStreamer's are not:
 * {@code rewind(at(seq of "29"))} starts at 29 (SeaStreamer: 30) and {@code seek(timestamp of "29")}
 * starts at the first message stored in that millisecond (SeaStreamer: the first one after it).
 */
class SeekRewindTest extends RedisTestSupport {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (ConsumerMode mode : List.of(ConsumerMode.REAL_TIME, ConsumerMode.RESUMABLE)) {
            for (int batch : new int[] {1, 5, 25}) {
                out.add(Arguments.of(mode, batch));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, batch {1}")
    @MethodSource("cases")
    void seekAndRewind(ConsumerMode mode, int batch) {
        StreamKey key = newKey("seek-" + batch);
        Streamer streamer = connect();
        RedisProducer producer = producer(streamer);
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i == 29 || i == 30) {
                // "29" alone in its millisecond, so seeking to its timestamp is exact
                letTimePass(receipts.get(i - 1).timestamp());
            }
            receipts.add(await(producer.send(key, Integer.toString(i))));
        }
        Receipt r29 = receipts.get(29);
        ConsumerOptions options = ConsumerOptions.of(mode).reset(StreamReset.EARLIEST)
                .with(RedisOptions.BATCH_SIZE, batch).with(RedisOptions.AUTO_COMMIT, AutoCommit.DISABLED);
        if (mode == ConsumerMode.RESUMABLE) {
            options = options.group(newGroup("seek"));
        }
        RedisConsumer consumer = consumer(streamer, options, key);

        assertThat(texts(receive(consumer, 10))).isEqualTo(payloads("", 0, 10));

        consumer.rewind(SeqPos.BEGINNING);
        assertThat(texts(receive(consumer, 10))).isEqualTo(payloads("", 0, 10));

        consumer.rewind(SeqPos.at(r29.seq()));
        assertThat(texts(receive(consumer, 10))).as("rewind(at(seq of 29)) is inclusive").isEqualTo(payloads("", 29, 39));

        consumer.rewind(SeqPos.at(r29.seq().next()));
        assertThat(texts(receive(consumer, 10))).as("rewind(at(seq of 29 + 1))").isEqualTo(payloads("", 30, 40));

        consumer.seek(r29.timestamp());
        assertThat(texts(receive(consumer, 10))).as("seek(ts of 29) is inclusive").isEqualTo(payloads("", 29, 39));

        consumer.seek(r29.timestamp().plusNanos(1));
        assertThat(texts(receive(consumer, 10))).as("seek just after 29").isEqualTo(payloads("", 30, 40));

        consumer.rewind(SeqPos.END);
        sendAll(producer, key, "", 100, 110);
        assertThat(texts(receive(consumer, 5))).isEqualTo(payloads("", 100, 105));
        assertThat(texts(receive(consumer, 5))).isEqualTo(payloads("", 105, 110));
    }
}
