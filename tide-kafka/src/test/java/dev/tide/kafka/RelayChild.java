package dev.tide.kafka;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.ProducerOptions;
import dev.tide.StreamReset;
import dev.tide.StreamUrl;
import java.time.Duration;

/**
 * An exactly-once relay in a child JVM that a test kills at random points. Small transactions (at most
 * 50 records) so that a kill often lands inside one.
 *
 * <p>Arguments: bootstrap servers, input topic, output topic, group (also the transactional id).
 */
public final class RelayChild {

    private RelayChild() {
    }

    /**
     * Relays until killed.
     *
     * @param args bootstrap, input, output, group
     */
    public static void main(String[] args) {
        String base = "kafka://" + args[0] + "/";
        KafkaRelay relay = KafkaRelay.builder(StreamUrl.parse(base + args[1]), StreamUrl.parse(base + args[2]))
                .connectOptions(ConnectOptions.defaults().timeout(Duration.ofSeconds(30)))
                .consumerOptions(ConsumerOptions.realTime()
                        .with("kafka.max.poll.records", "50")
                        .with("kafka.session.timeout.ms", "4000")
                        .with("kafka.heartbeat.interval.ms", "300"))
                .producerOptions(ProducerOptions.defaults().with("kafka.transaction.timeout.ms", "20000"))
                .group(args[3])
                .reset(StreamReset.EARLIEST)
                .build();
        System.out.println("relaying");
        System.out.flush();
        relay.run();
    }
}
