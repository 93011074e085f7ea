package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisOptionsTest {

    @Test
    void optionsParseFromText() {
        ConsumerOptions c = ConsumerOptions.realTime().with("redis.auto-commit", "rolling").with("redis.block", "250ms")
                .with("redis.mkstream", "false").with("redis.batch-size", "7");
        assertThat(c.get(RedisOptions.AUTO_COMMIT)).isEqualTo(AutoCommit.ROLLING);
        assertThat(c.get(RedisOptions.BLOCK)).isEqualTo(Duration.ofMillis(250));
        assertThat(c.get(RedisOptions.MKSTREAM)).isFalse();
        assertThat(c.get(RedisOptions.BATCH_SIZE)).isEqualTo(7);
        ProducerOptions p = ProducerOptions.defaults().with("redis.sharder", "round-robin:4");
        assertThat(p.get(RedisOptions.SHARDER)).hasToString("round-robin:4");
        ConnectOptions k = ConnectOptions.defaults().with("redis.cluster", "TRUE");
        assertThat(RedisOptions.choice(k, RedisOptions.CLUSTER, "auto", "true", "false")).isEqualTo("true");
    }

    @Test
    void badValuesAndUnknownNamesAreInvalidOptions() {
        assertThatThrownBy(() -> RedisOptions.check(ConnectOptions.defaults().with("redis.cluster", "maybe")))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION))
                .hasMessageContaining("redis.cluster");
        assertThatThrownBy(() -> RedisOptions.check(ConsumerOptions.realTime().with("redis.auto-commit", "sometimes")))
                .hasMessageContaining("redis.auto-commit");
        assertThatThrownBy(() -> RedisOptions.check(ProducerOptions.defaults().with("redis.linger-ms", "5")))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION))
                .hasMessageContaining("redis.linger-ms").hasMessageContaining("redis.linger");
        // a producer option given to a consumer is a mistake too
        assertThatThrownBy(() -> RedisOptions.check(ConsumerOptions.realTime().with("redis.sharder", "hash:2")))
                .hasMessageContaining("unknown consumer option redis.sharder");
        // other backends' options are not ours to judge
        RedisOptions.check(ConsumerOptions.realTime().with("kafka.whatever", "1"));
    }
}
