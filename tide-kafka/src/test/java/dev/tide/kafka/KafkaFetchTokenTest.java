package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.ProducerOptions;
import dev.tide.SeqPos;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A reading thread that finds nothing buffered polls the Kafka consumer itself: commands, commits and
 * the close from other threads must still reach it while it waits inside its own {@code poll}. The poll
 * interval is far longer than the test's patience, so a request that waited for the poll to end would
 * fail the test instead of slowing it.
 */
class KafkaFetchTokenTest {

    private static final Duration PATIENCE = KafkaTesting.PATIENCE;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void commandsCommitsAndCloseReachAReaderWaitingInItsOwnPoll(boolean virtualReader) throws Exception {
        try (KafkaStreamer streamer = KafkaTesting.connect()) {
            StreamKey topic = KafkaTesting.topic("token");
            streamer.createTopic(topic, 1);
            KafkaProducer producer = streamer.producer(topic, ProducerOptions.defaults());
            for (int i = 0; i < 5; i++) {
                producer.send(("m" + i).getBytes());
            }
            producer.flush();
            producer.close();
            String group = KafkaTesting.group("token");
            KafkaConsumer consumer = streamer.consumer(List.of(topic), ConsumerOptions.resumable().group(group)
                    .reset(StreamReset.EARLIEST).with(KafkaOptions.POLL_INTERVAL, Duration.ofMinutes(10)));
            LinkedBlockingQueue<Object> taken = new LinkedBlockingQueue<>();
            Runnable reader = () -> {
                try {
                    while (true) {
                        taken.add(consumer.next());
                    }
                } catch (StreamException e) {
                    taken.add(e);
                }
            };
            Thread thread = virtualReader ? Thread.ofVirtual().start(reader) : Thread.ofPlatform().start(reader);

            Message last = null;
            for (int i = 0; i < 5; i++) {
                last = (Message) taken.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertThat(last).isNotNull();
                assertThat(last.seq().value()).isEqualTo(i);
            }
            // The reader now waits for a sixth message, polling itself or waiting for the token.
            Message fifth = last;
            CompletableFuture.runAsync(() -> consumer.commit(fifth)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            try (Admin admin = KafkaTesting.broker().admin()) {
                Map<TopicPartition, OffsetAndMetadata> stored = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertThat(stored.get(new TopicPartition(topic.name(), 0)).offset()).isEqualTo(5);
            }
            assertThat(CompletableFuture.supplyAsync(consumer::assignment).get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .containsOnlyKeys(topic);
            CompletableFuture.runAsync(() -> consumer.rewind(SeqPos.BEGINNING)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            for (int i = 0; i < 5; i++) {
                Object again = taken.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertThat(again).isInstanceOf(Message.class);
                assertThat(((Message) again).seq().value()).isEqualTo(i);
            }
            CompletableFuture.runAsync(consumer::close).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            Object end = taken.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(end).isInstanceOfSatisfying(StreamException.class,
                    e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.CLOSED));
            assertThat(thread.join(PATIENCE)).isTrue();
            assertThat(taken).isEmpty();
        }
    }
}
