package dev.tide.kafka;

import dev.tide.ConnectOptions;
import dev.tide.Consumer;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A LOAD_BALANCED consumer in a child JVM that a test kills: for each number n read from standard input
 * it processes n messages (prints {@code got <payload>}), committing every {@code commitEvery}-th
 * ({@code committed <payload>}), then prints {@code done}.
 *
 * <p>Arguments: bootstrap servers, topic, group, commitEvery.
 */
public final class ConsumerChild {

    private ConsumerChild() {
    }

    /**
     * Runs the consumer until standard input ends.
     *
     * @param args bootstrap, topic, group, commitEvery
     */
    public static void main(String[] args) throws Exception {
        int commitEvery = Integer.parseInt(args[3]);
        try (KafkaStreamer streamer = KafkaStreamer.connect("kafka://" + args[0] + "/",
                ConnectOptions.defaults().timeout(Duration.ofSeconds(30)))) {
            Consumer consumer = streamer.consumer(List.of(StreamKey.of(args[1])),
                    KafkaTesting.fastGroups(ConsumerOptions.loadBalanced(args[2]).reset(StreamReset.EARLIEST)));
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            long count = 0;
            String line;
            while ((line = in.readLine()) != null) {
                int n = Integer.parseInt(line.strip());
                for (int i = 0; i < n; i++) {
                    Message m = consumer.next();
                    count++;
                    System.out.println("got " + m.asString());
                    if (count % commitEvery == 0) {
                        consumer.commit(m);
                        System.out.println("committed " + m.asString());
                    }
                }
                System.out.println("done");
                System.out.flush();
            }
        }
    }
}
