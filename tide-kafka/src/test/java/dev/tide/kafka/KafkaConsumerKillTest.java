package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.ProducerOptions;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A group member killed (SIGKILL, in a child JVM) in the middle of a fetched batch loses nothing: the
 * next member starts right after its last commit, so exactly the processed-but-uncommitted messages
 * come again.
 */
class KafkaConsumerKillTest {

    @Test
    void aMemberKilledMidBatchLosesNothing() throws Exception {
        StreamKey topic = KafkaTesting.topic("kill");
        String group = KafkaTesting.group("kill");
        int total = 200;
        try (KafkaStreamer streamer = KafkaTesting.connect()) {
            streamer.createTopic(topic, 1);
            KafkaProducer producer = streamer.producer(topic, ProducerOptions.defaults());
            for (int i = 0; i < total; i++) {
                producer.send("m-" + i);
            }
            producer.flush();

            Path log = Path.of("target", "children", "consumer-" + topic + ".log");
            Process child = ChildJvm.startWithInput(log, List.of("-Xmx256m"), ConsumerChild.class.getName(),
                    KafkaTesting.broker().bootstrap(), topic.name(), group, "10");
            try {
                Awaitility.await().atMost(KafkaTesting.PATIENCE).until(() -> lines(log).contains("ready"));
                child.getOutputStream().write("25\n".getBytes(StandardCharsets.UTF_8));
                child.getOutputStream().flush();
                Awaitility.await().atMost(KafkaTesting.PATIENCE).until(() -> lines(log).contains("done"));
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            List<String> childLines = lines(log);
            assertThat(childLines).contains("got m-0", "got m-24", "committed m-19").doesNotContain("got m-25", "committed m-29");

            // The dead member stays in the group until its session times out; then the new one gets the partition.
            KafkaConsumer next = streamer.consumer(List.of(topic), KafkaTesting.fastGroups(
                    ConsumerOptions.loadBalanced(group).reset(StreamReset.EARLIEST)));
            List<String> got = new ArrayList<>();
            for (Message m : SeaStreamerKafkaScenarioTest.receive(next, total - 20)) {
                got.add(m.asString());
            }
            List<String> expected = new ArrayList<>();
            for (int i = 20; i < total; i++) {
                expected.add("m-" + i);
            }
            assertThat(got).as("everything after the last commit, in order").isEqualTo(expected);
            next.close();
        }
    }

    private static List<String> lines(Path log) throws java.io.IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
