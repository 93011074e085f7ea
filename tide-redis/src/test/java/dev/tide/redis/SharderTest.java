package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharderTest {

    private static final StreamKey KEY = StreamKey.of("s");

    @Test
    void roundRobinCyclesAndStartsAtZeroForEveryProducer() {
        Sharder shared = Sharder.roundRobin(3);
        Sharder first = shared.forProducer();
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            got.add(first.shard(KEY, new byte[0]));
        }
        assertThat(got).containsExactly(0L, 1L, 2L, 0L, 1L, 2L, 0L);
        assertThat(shared.forProducer().shard(KEY, new byte[0])).isZero();
    }

    @Test
    void byKeyHashKeepsEqualKeysTogether() {
        Sharder s = Sharder.byKeyHash(4, p -> Arrays.copyOf(p, 3));
        long a = s.shard(KEY, "abc-1".getBytes(StandardCharsets.UTF_8));
        assertThat(s.shard(KEY, "abc-2".getBytes(StandardCharsets.UTF_8))).isEqualTo(a);
        assertThat(a).isBetween(0L, 3L);
        // FNV-1a 64 of "abc" is 0xe71fa2190541574b; modulo 4 (unsigned) is 3: stable across releases
        assertThat(a).isEqualTo(Long.remainderUnsigned(0xe71fa2190541574bL, 4));
        assertThat(Sharder.byHash(1).shard(KEY, new byte[] {1, 2})).isZero();
    }

    @Test
    void textForms() {
        assertThat(Sharder.parse("round-robin:3")).hasToString("round-robin:3");
        assertThat(Sharder.parse(" NONE ")).isSameAs(Sharder.none());
        assertThat(Sharder.parse("hash:5").shard(KEY, new byte[] {9})).isBetween(0L, 4L);
        for (String bad : new String[] {"", "round-robin", "hash:x", "random:3", "round-robin:0"}) {
            assertThatThrownBy(() -> Sharder.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Sharder.roundRobin(0)).hasMessageContaining("0");
    }

    @Test
    void shardKeysFollowSeaStreamersLayout() {
        assertThat(RedisProducerImpl.shardKey(KEY, ShardId.of(3))).isEqualTo("s:3");
        assertThat(ShardKeys.shardOf("s", "s")).isEqualTo(ShardId.ZERO);
        assertThat(ShardKeys.shardOf("s", "s:12")).isEqualTo(ShardId.of(12));
        assertThat(ShardKeys.shardOf("s", "s:18446744073709551615")).isEqualTo(ShardId.of(-1));
        for (String other : new String[] {"s:", "s:x", "s:1:2", "sx:1", "t:1", "s:-1", "s:18446744073709551616", "s1"}) {
            assertThat(ShardKeys.shardOf("s", other)).as(other).isNull();
        }
    }
}
