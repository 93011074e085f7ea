package dev.tide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {

    private static final OptionKey<Integer> BATCH = OptionKey.integer("x.batch-size", 100);
    private static final OptionKey<Duration> LINGER = OptionKey.duration("x.linger", Duration.ofMillis(5));
    private static final OptionKey<Boolean> FLAG = OptionKey.bool("x.flag", false);

    @Test
    void typedAndTextValuesAndDefaults() {
        ProducerOptions options = ProducerOptions.defaults().with(BATCH, 7).with("x.linger", "1s").with("x.flag", "yes");
        assertThat(options.get(BATCH)).isEqualTo(7);
        assertThat(options.get(LINGER)).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.get(FLAG)).isTrue();
        assertThat(ProducerOptions.defaults().get(BATCH)).isEqualTo(100);
        assertThat(options.names()).containsExactly("x.batch-size", "x.linger", "x.flag");
    }

    @Test
    void aBadTextValueIsAnInvalidOptionNamingIt() {
        ConsumerOptions options = ConsumerOptions.realTime().with("x.batch-size", "lots");
        assertThatThrownBy(() -> options.get(BATCH))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION))
                .hasMessageContaining("x.batch-size").hasMessageContaining("lots");
    }

    @Test
    void prefixesPassThrough() {
        ConnectOptions options = ConnectOptions.defaults().with("kafka.acks", "all").with("kafka.linger.ms", "20").with("redis.db", "1");
        assertThat(options.withPrefix("kafka.")).isEqualTo(Map.of("acks", "all", "linger.ms", "20"));
    }

    @Test
    void connectTimeoutMustBePositive() {
        assertThat(ConnectOptions.defaults().timeout()).isEqualTo(ConnectOptions.DEFAULT_TIMEOUT);
        assertThat(ConnectOptions.defaults().timeout(Duration.ofSeconds(1)).timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> ConnectOptions.defaults().timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void groupRulesPerMode() {
        assertThatThrownBy(() -> ConsumerOptions.realTime().group("g").checked())
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CONSUMER_GROUP_IS_SET));
        assertThatThrownBy(() -> ConsumerOptions.of(ConsumerMode.LOAD_BALANCED).checked())
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CONSUMER_GROUP_NOT_SET));
        assertThat(ConsumerOptions.resumable().checked().group()).contains(ConsumerGroup.hostDefault());
        assertThat(ConsumerOptions.resumable().group("mine").checked().group()).contains(ConsumerGroup.of("mine"));
        assertThat(ConsumerOptions.loadBalanced("g").checked().group()).contains(ConsumerGroup.of("g"));
        assertThat(ConsumerOptions.realTime().reset()).isEqualTo(StreamReset.LATEST);
    }

    @Test
    void hostDefaultGroupIsStable() {
        assertThat(ConsumerGroup.hostDefault()).isEqualTo(ConsumerGroup.hostDefault());
        assertThat(ConsumerGroup.hostDefault().name()).endsWith("-resumable");
    }
}
