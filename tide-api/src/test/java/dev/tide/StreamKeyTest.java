package dev.tide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamKeyTest {

    @Test
    void acceptsKafkaTopicCharacters() {
        assertThat(StreamKey.of("my-topic_2.a").name()).isEqualTo("my-topic_2.a");
        assertThat(StreamKey.of("x".repeat(249)).name()).hasSize(249);
    }

    @Test
    void rejectsTheEmptyKey() {
        assertThatThrownBy(() -> StreamKey.of(""))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_STREAM_KEY))
                .hasMessageContaining("empty");
    }

    @Test
    void rejectsKeysLongerThan249() {
        assertThatThrownBy(() -> StreamKey.of("x".repeat(250))).hasMessageContaining("250 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a:b", "a b", "a/b", "é", "a?", "a,b", "[k]"})
    void rejectsOtherCharactersNamingThem(String key) {
        assertThatThrownBy(() -> StreamKey.of(key))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_STREAM_KEY))
                .hasMessageContaining("is not allowed");
    }

    @Test
    void knowsTheReservedKey() {
        assertThat(StreamKey.of(StreamKey.INTERNAL).isInternal()).isTrue();
        assertThat(StreamKey.of("clock").isInternal()).isFalse();
    }

    @Test
    void ordersByName() {
        assertThat(StreamKey.of("a")).isLessThan(StreamKey.of("b"));
    }

    @Property
    void validKeysRoundTrip(@ForAll @StringLength(min = 1, max = 249)
                            @CharRange(from = 'a', to = 'z') @CharRange(from = '0', to = '9') @Chars({'.', '_', '-'}) String name) {
        assertThat(StreamKey.of(name).name()).isEqualTo(name);
        assertThat(StreamKey.isValid(name)).isTrue();
    }

    @Property
    void arbitraryTextIsEitherValidOrACleanError(@ForAll String name) {
        try {
            StreamKey.of(name);
            assertThat(StreamKey.isValid(name)).isTrue();
        } catch (StreamException e) {
            assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_STREAM_KEY);
            assertThat(StreamKey.isValid(name)).isFalse();
        }
    }
}
