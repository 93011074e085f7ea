package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.Message;
import dev.tide.Receipt;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SSL options against the test broker's SSL listeners (a certificate that {@code keytool} made at
 * start-up): server authentication with {@code kafka.ssl-truststore}, mutual TLS with
 * {@code kafka.ssl-keystore} as well, and the errors when either is missing.
 */
class KafkaSslTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static ConnectOptions trusting() {
        return ConnectOptions.defaults().timeout(Duration.ofSeconds(30))
                .with(KafkaOptions.SSL_TRUSTSTORE, KafkaTesting.broker().truststore().toString())
                .with(KafkaOptions.SSL_TRUSTSTORE_PASSWORD, KafkaBroker.STORE_PASSWORD);
    }

    private static void assertConnectFails(String uri, ConnectOptions options) {
        assertThatThrownBy(() -> KafkaStreamer.connect(uri, options).close())
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).as(e.toString())
                        .isEqualTo(StreamException.Kind.CONNECT));
    }

    /** Sends three messages, reads them in a group (coordinator connection included) and commits. */
    private static void roundTrip(String uri, ConnectOptions options) throws Exception {
        StreamKey topic = KafkaTesting.topic("ssl");
        try (KafkaStreamer streamer = KafkaStreamer.connect(uri, options)) {
            streamer.createTopic(topic, 1);
            KafkaProducer producer = streamer.producer(topic, dev.tide.ProducerOptions.defaults());
            List<Receipt> receipts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                receipts.add(producer.send("secret " + i).get(60, TimeUnit.SECONDS));
            }
            KafkaConsumer consumer = streamer.consumer(List.of(topic), KafkaTesting.fastGroups(
                    ConsumerOptions.loadBalanced(KafkaTesting.group("ssl")).reset(StreamReset.EARLIEST)));
            List<Message> got = SeaStreamerKafkaScenarioTest.receive(consumer, 3);
            assertThat(got).extracting(Message::asString).containsExactly("secret 0", "secret 1", "secret 2");
            assertThat(got.get(2).header()).isEqualTo(receipts.get(2).header());
            consumer.commit(got.get(2));
        }
    }

    @Test
    void serverAuthenticatedSsl() throws Exception {
        roundTrip("kafka://" + KafkaTesting.broker().sslBootstrap() + "/", trusting());
    }

    @Test
    void mutualTls() throws Exception {
        KafkaBroker broker = KafkaTesting.broker();
        roundTrip("kafka://" + broker.mutualTlsBootstrap() + "/", trusting()
                .with(KafkaOptions.SSL_KEYSTORE, broker.clientKeystore().toString())
                .with(KafkaOptions.SSL_KEYSTORE_PASSWORD, KafkaBroker.STORE_PASSWORD));
    }

    @Test
    void anUntrustedBrokerOrAMissingClientCertificateIsAConnectError() {
        KafkaBroker broker = KafkaTesting.broker();
        // SSL without a truststore: the JDK's default trust anchors do not know the self-signed certificate.
        assertConnectFails("kafka://" + broker.sslBootstrap() + "/", ConnectOptions.defaults().timeout(TIMEOUT)
                .with(KafkaOptions.SECURITY_PROTOCOL, KafkaOptions.SecurityProtocol.SSL));
        // The mutual-TLS listener without a client certificate.
        assertConnectFails("kafka://" + broker.mutualTlsBootstrap() + "/", trusting().timeout(TIMEOUT));
    }
}
