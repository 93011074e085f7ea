package dev.tide.stdio;

import static dev.tide.stdio.StdioFixture.PATIENCE;
import static dev.tide.stdio.StdioFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Producer;
import dev.tide.ProducerOptions;
import dev.tide.Receipt;
import dev.tide.StreamKey;
import dev.tide.Streamer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Loopback mode: printed messages reach the connection's consumers with their printed header. */
class StdioLoopbackTest {

    private static final StreamKey HELLO = StreamKey.of("hello");

    private final StdioFixture io = new StdioFixture();

    @AfterEach
    void close() {
        io.close();
    }

    private static List<String> take(Consumer c, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(c.poll(PATIENCE).orElseThrow(() -> new AssertionError("message " + out.size() + " missing")).asString());
        }
        return out;
    }

    @Test
    void printedMessagesAreConsumedWithThePrintedHeader() {
        Streamer s = io.loopback();
        Consumer c = s.consumer(List.of(HELLO), ConsumerOptions.realTime());
        Producer p = s.producer(HELLO, ProducerOptions.defaults());
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            receipts.add(await(p.send(Integer.toString(i))));
        }
        for (int i = 0; i < 5; i++) {
            Message m = c.poll(PATIENCE).orElseThrow();
            assertThat(m.asString()).isEqualTo(Integer.toString(i));
            assertThat(Receipt.of(m.header())).isEqualTo(receipts.get(i));
        }
        assertThat(io.output.lines()).hasSize(5);
    }

    @Test
    void seaStreamersGroupTestFirstAloneThenSplitBySeqParity() {
        Streamer s = io.loopback();
        Producer p = s.producer(HELLO, ProducerOptions.defaults());
        Consumer first = s.consumer(List.of(HELLO), ConsumerOptions.loadBalanced("abc"));
        for (int i = 0; i < 4; i++) {
            p.send(Integer.toString(i));
        }
        p.flush();
        assertThat(take(first, 4)).containsExactly("0", "1", "2", "3");

        Consumer second = s.consumer(List.of(HELLO), ConsumerOptions.loadBalanced("abc"));
        for (int i = 0; i < 10; i++) {
            p.send(Integer.toString(i));
        }
        p.flush();
        // Sequences 4..13: even ones to the first member, odd ones to the second.
        assertThat(take(first, 5)).containsExactly("0", "2", "4", "6", "8");
        assertThat(take(second, 5)).containsExactly("1", "3", "5", "7", "9");
    }

    @Test
    void closingAGroupMemberHandsItsUnreadMessagesToTheOthers() {
        Streamer s = io.loopback();
        Producer p = s.producer(HELLO, ProducerOptions.defaults());
        Consumer stays = s.consumer(List.of(HELLO), ConsumerOptions.loadBalanced("g"));
        Consumer leaves = s.consumer(List.of(HELLO), ConsumerOptions.loadBalanced("g"));
        Consumer elsewhere = s.consumer(List.of(HELLO), ConsumerOptions.loadBalanced("h"));
        for (int i = 0; i < 6; i++) {
            p.send(Integer.toString(i));
        }
        p.flush();
        assertThat(take(leaves, 1)).containsExactly("1");
        leaves.close();
        assertThat(take(stays, 5)).containsExactly("0", "2", "4", "3", "5");
        assertThat(take(elsewhere, 6)).containsExactly("0", "1", "2", "3", "4", "5");
    }

    @Test
    void loopbackMessagesAndInputLinesShareTheCounters() {
        Streamer s = io.loopback();
        Consumer c = s.consumer(List.of(HELLO), ConsumerOptions.realTime());
        await(s.producer(HELLO, ProducerOptions.defaults()).send("printed"));
        io.input.feed("[hello] typed\n");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Message m = c.poll(PATIENCE).orElseThrow();
            seen.add(m.seq() + ":" + m.asString());
        }
        assertThat(seen).containsExactly("0:printed", "1:typed");
    }
}
