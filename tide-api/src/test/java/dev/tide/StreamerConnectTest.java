package dev.tide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Backend selection through the ServiceLoader SPI, with the test backend registered in test resources. */
class StreamerConnectTest {

    @Test
    void picksTheProviderByScheme() {
        try (Streamer streamer = Streamer.connect("probe://node/a,b")) {
            assertThat(streamer).isInstanceOf(ProbeStreamerProvider.ProbeStreamer.class);
            assertThat(streamer.url().keys()).containsExactly(StreamKey.of("a"), StreamKey.of("b"));
        }
        assertThat(Streamer.schemes()).contains("probe");
    }

    @Test
    void connectAcceptsAStreamerUriWithoutKeys() {
        try (Streamer streamer = Streamer.connect("probe://node")) {
            assertThat(streamer.url().keys()).isEmpty();
        }
    }

    @Test
    void anUnknownSchemeListsTheKnownOnes() {
        assertThatThrownBy(() -> Streamer.connect("nosuch://x/a"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_URI))
                .hasMessageContaining("nosuch").hasMessageContaining("probe");
    }

    @Test
    void aMissingSchemeIsAnInvalidUri() {
        assertThatThrownBy(() -> Streamer.connect("localhost:6379"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_URI));
    }

    @Test
    void defaultProducerIsAnchoredToTheOnlyKey() {
        try (Streamer one = Streamer.connect("probe:///a"); Streamer two = Streamer.connect("probe:///a,b")) {
            assertThat(one.producer().anchor()).contains(StreamKey.of("a"));
            assertThat(two.producer().anchor()).isEmpty();
            assertThatThrownBy(() -> two.producer().send("x"))
                    .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.NOT_ANCHORED));
        }
    }
}
