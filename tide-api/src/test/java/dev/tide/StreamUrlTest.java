package dev.tide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** SeaStreamer's URI grammar, one test per rule. */
class StreamUrlTest {

    private static List<String> keys(StreamUrl url) {
        return url.keys().stream().map(StreamKey::name).toList();
    }

    @Test
    void nodesAreSplitOnCommasAndKeysFollowTheLastSlash() {
        StreamUrl url = StreamUrl.parse("kafka://node-a:1234,node-b:1234/a,b");
        assertThat(url.streamer().protocol()).contains("kafka");
        assertThat(url.streamer().nodes()).containsExactly(URI.create("kafka://node-a:1234"), URI.create("kafka://node-b:1234"));
        assertThat(url.streamer().nodeTexts()).containsExactly("node-a:1234", "node-b:1234");
        assertThat(keys(url)).containsExactly("a", "b");
    }

    @Test
    void splitsAtTheFirstSchemeSeparator() {
        StreamUrl url = StreamUrl.parse("proto://host://x/k");
        assertThat(url.streamer().protocol()).contains("proto");
        assertThat(url.streamer().nodeTexts()).containsExactly("host://x");
        assertThat(keys(url)).containsExactly("k");
    }

    @Test
    void anEmptyNodeListIsTheLocalNode() {
        StreamUrl url = StreamUrl.parse("stdio:///a");
        assertThat(url.streamer().nodes()).containsExactly(URI.create("stdio://."));
        assertThat(url.streamer().isLocal()).isTrue();
        assertThat(keys(url)).containsExactly("a");
    }

    @Test
    void aTrailingSlashMeansNoKeys() {
        StreamUrl url = StreamUrl.parse("stdio:///");
        assertThat(url.streamer().nodes()).containsExactly(URI.create("stdio://."));
        assertThat(url.keys()).isEmpty();
        assertThat(keys(StreamUrl.parse("redis://localhost/"))).isEmpty();
    }

    @Test
    void theLastSlashSeparatesAFilePathFromTheKeys() {
        StreamUrl url = StreamUrl.parse("file:///var/data/x.ss/a");
        assertThat(url.streamer().nodeTexts()).containsExactly("/var/data/x.ss");
        assertThat(keys(url)).containsExactly("a");
        assertThat(url.toString()).isEqualTo("file:///var/data/x.ss/a");
    }

    @Test
    void aStreamUrlNeedsASlashAfterTheNodes() {
        assertThatThrownBy(() -> StreamUrl.parse("redis://localhost"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_URI))
                .hasMessageContaining("redis://localhost/");
        assertThat(StreamerUri.parse("redis://localhost").nodeTexts()).containsExactly("localhost");
    }

    @Test
    void parseAnyAcceptsBothForms() {
        assertThat(StreamUrl.parseAny("redis://localhost").keys()).isEmpty();
        assertThat(keys(StreamUrl.parseAny("redis://localhost/k"))).containsExactly("k");
    }

    @Test
    void emptyItemsAreDropped() {
        StreamUrl url = StreamUrl.parse("kafka://a:1,,b:2,/x,,y,");
        assertThat(url.streamer().nodeTexts()).containsExactly("a:1", "b:2");
        assertThat(keys(url)).containsExactly("x", "y");
    }

    @Test
    void textWithoutSchemeSeparatorIsReadAsAbsoluteUris() {
        StreamerUri uri = StreamerUri.parse("sea-ql.org:1234");
        assertThat(uri.protocol()).isEqualTo(Optional.empty());
        assertThat(uri.nodes()).containsExactly(URI.create("sea-ql.org:1234"));
        assertThatThrownBy(uri::requireProtocol).isInstanceOf(StreamException.class);
    }

    @Test
    void anInvalidKeyIsAStreamKeyError() {
        assertThatThrownBy(() -> StreamUrl.parse("proto://sea-ql.org:1234/stream?"))
                .isInstanceOfSatisfying(StreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_STREAM_KEY))
                .hasMessageContaining("stream?");
        assertThatThrownBy(() -> StreamUrl.parse("redis://h/a:b"))
                .isInstanceOfSatisfying(StreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_STREAM_KEY));
    }

    @Test
    void aSchemeIsRequiredForTheLocalNode() {
        assertThatThrownBy(() -> StreamUrl.parse("/a"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_URI));
        assertThatThrownBy(() -> StreamUrl.parse("://x/a"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_URI))
                .hasMessageContaining("scheme");
    }

    @Test
    void aMalformedNodeNamesTheNode() {
        assertThatThrownBy(() -> StreamUrl.parse("kafka://bad host/a"))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_URI))
                .hasMessageContaining("bad host");
    }

    @Test
    void keyRequiresExactlyOne() {
        assertThat(StreamUrl.parse("mem:///a").key()).isEqualTo(StreamKey.of("a"));
        assertThatThrownBy(() -> StreamUrl.parse("mem:///").key())
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.STREAM_KEY_EMPTY));
        assertThatThrownBy(() -> StreamUrl.parse("mem:///a,b").key())
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_URI));
    }
}
