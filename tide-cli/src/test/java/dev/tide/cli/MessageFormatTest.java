package dev.tide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.Message;
import dev.tide.MessageHeader;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessageFormatTest {

    private static final Instant T = Instant.parse("2023-08-10T16:49:14.750Z");

    private static String print(MessageFormat format, Message m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LineOutput out = new LineOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        format.write(m, out);
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Message message(long shard, byte[] payload) {
        return Message.of(new MessageHeader(StreamKey.of("hello"), ShardId.of(shard), SeqNo.of(3), T), payload);
    }

    private static Message text(long shard, String payload) {
        return message(shard, payload.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "payload | 0 | hello-3          | 'hello-3\n'",
        "stdio   | 0 | hello-3          | '[2023-08-10T16:49:14 | hello | 3] hello-3\n'",
        "stdio   | 2 | hello-3          | '[2023-08-10T16:49:14 | hello | 3 | 2] hello-3\n'",
        "log     | 1 | hello-3          | '[2023-08-10T16:49:14.75 | hello | 3 | 1] hello-3\n'",
        "ndjson  | 1 | hello-3          | '{\"header\":{\"stream_key\":\"hello\",\"shard_id\":1,\"sequence\":3,"
                + "\"timestamp\":\"2023-08-10T16:49:14.75\"},\"payload\":\"hello-3\"}\n'",
    })
    void formats_a_text_message(String format, long shard, String payload, String expected) {
        assertThat(print(new Converters.FormatConverter().convert(format), text(shard, payload))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "log    | '[2023-08-10T16:49:14.75 | hello | 3 | 0] <BINARY BLOB>\n'",
        "ndjson | '{\"header\":{\"stream_key\":\"hello\",\"shard_id\":0,\"sequence\":3,"
                + "\"timestamp\":\"2023-08-10T16:49:14.75\"},\"payload\":[0,255,10]}\n'",
    })
    void formats_a_binary_payload_as_ss_decode_does(String format, String expected) {
        Message m = message(0, new byte[] {0, (byte) 0xFF, '\n'});

        assertThat(print(new Converters.FormatConverter().convert(format), m)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "'say \"hi\"'         | '\"say \\\"hi\\\"\"'",
        "'back\\slash'        | '\"back\\\\slash\"'",
        "'tab\there'          | '\"tab\\there\"'",
        "'é ✓'                | '\"é ✓\"'",
    })
    void ndjson_payloads_are_escaped_json_strings(String payload, String json) {
        assertThat(print(MessageFormat.NDJSON, text(0, payload))).endsWith(",\"payload\":" + json + "}\n");
    }
}
