package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.ConnectOptions;
import dev.tide.StreamException;
import dev.tide.StreamerUri;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

    @Test
    void nodesBecomeBootstrapServers() {
        assertThat(ClientConfig.bootstrapServers(StreamerUri.parse("kafka://host-a:9092,host-b:9093")))
                .isEqualTo("host-a:9092,host-b:9093");
        assertThat(ClientConfig.bootstrapServers(StreamerUri.parse("kafka://host-a,127.0.0.1:1234")))
                .as("default port").isEqualTo("host-a:9092,127.0.0.1:1234");
        assertThat(ClientConfig.bootstrapServers(StreamerUri.parse("kafka://"))).isEqualTo("localhost:9092");
        assertThat(ClientConfig.bootstrapServers(StreamerUri.parse("kafka://[::1]:9094,[::1]")))
                .isEqualTo("[::1]:9094,[::1]:9092");
    }

    @Test
    void aBadPortIsAnInvalidUri() {
        assertThatThrownBy(() -> ClientConfig.bootstrapServers(StreamerUri.parse("kafka://host:99999")))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_URI))
                .hasMessageContaining("99999");
    }

    @Test
    void saslPlainCredentialsBuildTheJaasConfig() {
        ConnectOptions options = ConnectOptions.defaults()
                .with(KafkaOptions.SASL_USERNAME, "alice")
                .with(KafkaOptions.SASL_PASSWORD, "p\"w\\d");
        assertThat(ClientConfig.security(options)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"alice\" password=\"p\\\"w\\\\d\";"));
    }

    @Test
    void scramOverTlsAsText() {
        ConnectOptions options = ConnectOptions.defaults()
                .with("kafka.sasl-mechanism", "scram-sha-512")
                .with("kafka.sasl-username", "bob")
                .with("kafka.sasl-password", "secret")
                .with("kafka.ssl-truststore", "/etc/kafka/trust.p12")
                .with("kafka.ssl-truststore-password", "changeit");
        Map<String, String> props = ClientConfig.security(options);
        assertThat(props).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/trust.p12")
                .containsEntry("ssl.truststore.password", "changeit");
        assertThat(props.get("sasl.jaas.config")).startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required");
    }

    @Test
    void anExplicitProtocolWins() {
        ConnectOptions options = ConnectOptions.defaults().with(KafkaOptions.SECURITY_PROTOCOL, KafkaOptions.SecurityProtocol.SSL);
        assertThat(ClientConfig.security(options)).containsExactlyEntriesOf(Map.of("security.protocol", "SSL"));
        assertThat(ClientConfig.security(ConnectOptions.defaults())).isEmpty();
    }

    @Test
    void aPasswordWithoutAUserIsRejected() {
        assertThatThrownBy(() -> ClientConfig.security(ConnectOptions.defaults().with(KafkaOptions.SASL_PASSWORD, "x")))
                .isInstanceOfSatisfying(StreamException.class, e -> assertThat(e.kind()).isEqualTo(StreamException.Kind.INVALID_OPTION));
    }

    @Test
    void otherKafkaOptionsPassThroughWithoutThePrefix() {
        ConnectOptions options = ConnectOptions.defaults()
                .with("kafka.client.id", "me")
                .with("kafka.sasl-username", "alice")
                .with(KafkaOptions.BUFFER_SIZE, 10)
                .with("redis.password", "not for kafka");
        ClientConfig config = ClientConfig.of(StreamerUri.parse("kafka://h:1"), options);
        Map<String, Object> props = config.client(Map.of("client.id", "default", "linger.ms", "5"), Map.of("linger.ms", "20"));
        assertThat(props).containsEntry("bootstrap.servers", "h:1")
                .containsEntry("client.id", "me")
                .containsEntry("linger.ms", "20")
                .containsKey("sasl.jaas.config")
                .doesNotContainKeys("sasl-username", "buffer-size", "password", "redis.password");
    }
}
