package dev.tide.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCommandTimeoutException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** The producer's lean XADD command and its batch, without a server: encoding, reply parsing, completing once. */
class XaddCommandTest {

    /** Records what the commands report. */
    private static final class Outcomes implements XaddCommand.Listener {
        final List<String> events = new ArrayList<>();

        @Override
        public void stored(XaddCommand command, long ms, long n) {
            events.add(command.send + " stored " + Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(n));
        }

        @Override
        public void failed(XaddCommand command, Throwable error) {
            events.add(command.send + " failed " + error.getClass().getSimpleName() + ": " + error.getMessage());
        }
    }

    private static XaddCommand command(String name, long number, String key, byte[] payload, Outcomes outcomes) {
        return new XaddCommand(name, number, XaddCommand.prefix(key, "msg"), payload, outcomes);
    }

    private static String encoded(XaddCommand c) {
        ByteBuf buf = Unpooled.buffer(4);
        c.encode(buf);
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void encodesXaddWithAutoIdAsResp() {
        Outcomes o = new Outcomes();
        assertThat(encoded(command("a", 1, "orders:3", "hello".getBytes(), o)))
                .isEqualTo("*5\r\n$4\r\nXADD\r\n$8\r\norders:3\r\n$1\r\n*\r\n$3\r\nmsg\r\n$5\r\nhello\r\n");
        assertThat(encoded(command("b", 2, "k", new byte[0], o))).endsWith("$3\r\nmsg\r\n$0\r\n\r\n");
        byte[] big = new byte[123_456];
        assertThat(encoded(command("c", 3, "k", big, o))).contains("$123456\r\n");
        // multi-byte key: the length is in bytes
        assertThat(encoded(command("d", 4, "ключ", "x".getBytes(), o))).contains("$8\r\n");
    }

    @Test
    void parsesTheIdOfTheReplyAndReportsOnce() {
        Outcomes o = new Outcomes();
        XaddCommand c = command("a", 1, "k", "p".getBytes(), o);
        c.set(ascii("1700000000123-7"));
        c.complete();
        c.complete();
        c.completeExceptionally(new RedisCommandTimeoutException("late"));
        c.cancel();
        assertThat(o.events).containsExactly("a stored 1700000000123-7");
        assertThat(c.isDone()).isTrue();
        assertThat(c.isCancelled()).isFalse();
    }

    @Test
    void parsesUnsignedIdsBeyondLongRange() {
        Outcomes o = new Outcomes();
        XaddCommand c = command("a", 1, "k", "p".getBytes(), o);
        c.set(ascii("18446744073709551615-18446744073709551615"));
        c.complete();
        assertThat(o.events).containsExactly("a stored 18446744073709551615-18446744073709551615");
    }

    @Test
    void anErrorReplyOrAnUnexpectedReplyFailsTheCommand() {
        Outcomes o = new Outcomes();
        XaddCommand wrongType = command("a", 1, "k", "p".getBytes(), o);
        wrongType.setError(ascii("WRONGTYPE Operation against a key holding the wrong kind of value"));
        wrongType.complete();
        XaddCommand nonsense = command("b", 2, "k", "p".getBytes(), o);
        nonsense.set(ascii("not-an-id"));
        nonsense.complete();
        XaddCommand nothing = command("c", 3, "k", "p".getBytes(), o);
        nothing.complete();
        assertThat(o.events).containsExactly(
                "a failed RedisCommandExecutionException: WRONGTYPE Operation against a key holding the wrong kind of value",
                "b failed RedisCommandExecutionException: unexpected reply to XADD: not-an-id",
                "c failed RedisCommandExecutionException: unexpected reply to XADD: no entry id");
    }

    @Test
    void failingABatchFailsOnlyTheCommandsNotYetAnsweredAndEndsItOnce() {
        Outcomes o = new Outcomes();
        ArrayList<XaddCommand> commands = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            commands.add(command("m" + i, i + 1, "k", "p".getBytes(), o));
        }
        XaddBatch batch = new XaddBatch(commands);
        List<String> ended = new ArrayList<>();
        batch.onComplete((v, e) -> ended.add("ended"));
        commands.get(0).set(ascii("5-0"));
        commands.get(0).complete();
        assertThat(batch.isDone()).isFalse();
        batch.completeExceptionally(new RedisCommandTimeoutException("Command timed out"));
        commands.get(1).set(ascii("5-1"));
        commands.get(1).complete();
        assertThat(o.events).containsExactly("m0 stored 5-0",
                "m1 failed RedisCommandTimeoutException: Command timed out",
                "m2 failed RedisCommandTimeoutException: Command timed out");
        assertThat(batch.isDone()).isTrue();
        assertThat(ended).containsExactly("ended");
        batch.onComplete((v, e) -> ended.add("late"));
        assertThat(ended).containsExactly("ended", "late");
    }

    @Test
    void cancellingACommandReportsACancellation() {
        Outcomes o = new Outcomes();
        XaddCommand c = command("a", 1, "k", "p".getBytes(), o);
        c.cancel();
        assertThat(c.isCancelled()).isTrue();
        assertThat(o.events).singleElement().asString().startsWith("a failed " + CancellationException.class.getSimpleName());
    }

    @Test
    void theUnpackHandlerHandsTheChannelTheCommandsOfABatch() {
        Outcomes o = new Outcomes();
        ArrayList<XaddCommand> commands = new ArrayList<>(List.of(command("a", 1, "k", "p".getBytes(), o),
                command("b", 2, "k", "q".getBytes(), o)));
        EmbeddedChannel channel = new EmbeddedChannel(XaddBatch.Unpack.INSTANCE);
        channel.writeOutbound(new XaddBatch(commands), "other");
        Object first = channel.readOutbound();
        assertThat(first).isInstanceOf(List.class);
        assertThat(new ArrayList<Object>((List<?>) first)).containsExactlyElementsOf(commands);
        assertThat((Object) channel.readOutbound()).isEqualTo("other");
        channel.finishAndReleaseAll();
    }

    @Test
    void aBatchThatReachesTheEncoderUnpackedRefusesToBeEncoded() {
        XaddBatch batch = new XaddBatch(new ArrayList<>());
        assertThatThrownBy(() -> batch.encode(Unpooled.buffer())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Unpack");
    }
}
