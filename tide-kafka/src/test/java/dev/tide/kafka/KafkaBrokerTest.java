package dev.tide.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    @Test
    void theSharedBrokerAnswersOnLoopback() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        assertThat(KafkaBroker.shared()).isSameAs(broker);
        try (Admin admin = broker.admin()) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .singleElement()
                    .satisfies(node -> assertThat(node.host()).isEqualTo("127.0.0.1"));
        }
        assertThat(broker.bootstrap()).startsWith("127.0.0.1:");
    }
}
