package dev.tide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
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

    private static final String KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

    /** 500 valid keys of random length and content, from a fixed seed so every run checks the same ones. */
    static Stream<String> randomValidKeys() {
        Random random = new Random(20261122);
        return IntStream.range(0, 500).mapToObj(i -> {
            int length = 1 + random.nextInt(i % 10 == 0 ? StreamKey.MAX_LENGTH : 20);
            StringBuilder sb = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                sb.append(KEY_CHARS.charAt(random.nextInt(KEY_CHARS.length())));
            }
            return sb.toString();
        });
    }

    /** 500 random strings of arbitrary UTF-16 characters, from a fixed seed. */
    static Stream<String> randomText() {
        Random random = new Random(7);
        return IntStream.range(0, 500).mapToObj(i -> {
            int length = random.nextInt(300);
            StringBuilder sb = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                sb.append(random.nextInt(4) == 0 ? KEY_CHARS.charAt(random.nextInt(KEY_CHARS.length()))
                        : (char) random.nextInt(Character.MAX_VALUE + 1));
            }
            return sb.toString();
        });
    }

    @Test
    void validKeysRoundTrip() {
        randomValidKeys().forEach(name -> {
            assertThat(StreamKey.of(name).name()).isEqualTo(name);
            assertThat(StreamKey.isValid(name)).as(name).isTrue();
        });
    }

    @Test
    void arbitraryTextIsEitherValidOrACleanError() {
        randomText().forEach(name -> {
            boolean valid = StreamKey.isValid(name);
            try {
                StreamKey.of(name);
                assertThat(valid).as(name).isTrue();
            } catch (StreamException e) {
                assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_STREAM_KEY);
                assertThat(valid).as(name).isFalse();
            }
        });
    }
}
