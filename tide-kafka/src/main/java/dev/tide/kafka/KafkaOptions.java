package dev.tide.kafka;

import dev.tide.OptionKey;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The typed options of the Kafka backend. Any other option whose name starts with {@code kafka.} is a
 * Kafka client property passed straight through with the prefix removed ({@code kafka.acks=all},
 * {@code kafka.linger.ms=20}, {@code kafka.session.timeout.ms=10000}, {@code kafka.sasl.jaas.config=…}),
 * so every setting of kafka-clients is reachable. Typed options have hyphenated names, which no Kafka
 * property has, and are never passed through.
 *
 * <p>Where an option is read:
 * <ul>
 *   <li>{@link dev.tide.ConnectOptions}: security ({@link #SECURITY_PROTOCOL}, {@link #SASL_MECHANISM},
 *       {@link #SASL_USERNAME}, {@link #SASL_PASSWORD}, the {@code SSL_*} stores) and pass-through
 *       properties for every client the connection creates (admin, producers, consumers);</li>
 *   <li>{@link dev.tide.ProducerOptions}: {@link #IDEMPOTENT}, pass-through producer properties
 *       ({@code kafka.linger.ms}, {@code kafka.batch.size}, {@code kafka.compression.type});</li>
 *   <li>{@link dev.tide.ConsumerOptions}: {@link #BUFFER_SIZE}, {@link #POLL_INTERVAL},
 *       {@link #PARTITION_REFRESH}, {@link #READY_TIMEOUT}, {@link #CLOSE_TIMEOUT}, pass-through consumer
 *       properties ({@code kafka.isolation.level=read_committed}, {@code kafka.group.protocol=consumer}).</li>
 * </ul>
 * Per-client options override the connection's.
 */
public final class KafkaOptions {

    /** Kafka's {@code security.protocol}. */
    public enum SecurityProtocol {
        /** No TLS, no authentication. */
        PLAINTEXT,
        /** TLS. */
        SSL,
        /** SASL authentication without TLS. */
        SASL_PLAINTEXT,
        /** SASL authentication over TLS. */
        SASL_SSL
    }

    /** The SASL mechanisms that {@link #SASL_USERNAME} and {@link #SASL_PASSWORD} configure. */
    public enum SaslMechanism {
        /** {@code PLAIN}. */
        PLAIN("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"),
        /** {@code SCRAM-SHA-256}. */
        SCRAM_SHA_256("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule"),
        /** {@code SCRAM-SHA-512}. */
        SCRAM_SHA_512("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

        private final String kafkaName;
        private final String loginModule;

        SaslMechanism(String kafkaName, String loginModule) {
            this.kafkaName = kafkaName;
            this.loginModule = loginModule;
        }

        /** The name Kafka uses, such as {@code SCRAM-SHA-256}. */
        public String kafkaName() {
            return kafkaName;
        }

        String loginModule() {
            return loginModule;
        }

        /**
         * Parses {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512} (case-insensitive,
         * {@code _} or {@code -}).
         *
         * @param text the mechanism's name
         * @return the mechanism
         * @throws IllegalArgumentException for another name
         */
        public static SaslMechanism parse(String text) {
            String norm = text.strip().toUpperCase(Locale.ROOT).replace('_', '-');
            for (SaslMechanism m : values()) {
                if (m.kafkaName.equals(norm)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
        }
    }

    /**
     * {@code kafka.security-protocol}: {@code security.protocol}. When not given it follows from the other
     * options: SASL credentials give {@code SASL_PLAINTEXT} (or {@code SASL_SSL} with an SSL store), an SSL
     * store alone gives {@code SSL}, nothing gives Kafka's default, {@code PLAINTEXT}.
     */
    public static final OptionKey<SecurityProtocol> SECURITY_PROTOCOL = OptionKey.of("kafka.security-protocol",
            SecurityProtocol.class, SecurityProtocol.PLAINTEXT,
            text -> SecurityProtocol.valueOf(text.strip().toUpperCase(Locale.ROOT)));

    /** {@code kafka.sasl-mechanism}: the SASL mechanism of {@link #SASL_USERNAME}; PLAIN by default. */
    public static final OptionKey<SaslMechanism> SASL_MECHANISM = OptionKey.of("kafka.sasl-mechanism",
            SaslMechanism.class, SaslMechanism.PLAIN, SaslMechanism::parse);

    /** {@code kafka.sasl-username}: with {@link #SASL_PASSWORD}, builds {@code sasl.jaas.config}. */
    public static final OptionKey<String> SASL_USERNAME = OptionKey.string("kafka.sasl-username", "");

    /** {@code kafka.sasl-password}: the password of {@link #SASL_USERNAME}. */
    public static final OptionKey<String> SASL_PASSWORD = OptionKey.string("kafka.sasl-password", "");

    /** {@code kafka.ssl-truststore}: {@code ssl.truststore.location}. */
    public static final OptionKey<String> SSL_TRUSTSTORE = OptionKey.string("kafka.ssl-truststore", "");

    /** {@code kafka.ssl-truststore-password}: {@code ssl.truststore.password}. */
    public static final OptionKey<String> SSL_TRUSTSTORE_PASSWORD = OptionKey.string("kafka.ssl-truststore-password", "");

    /** {@code kafka.ssl-keystore}: {@code ssl.keystore.location}, for client certificates. */
    public static final OptionKey<String> SSL_KEYSTORE = OptionKey.string("kafka.ssl-keystore", "");

    /** {@code kafka.ssl-keystore-password}: {@code ssl.keystore.password}. */
    public static final OptionKey<String> SSL_KEYSTORE_PASSWORD = OptionKey.string("kafka.ssl-keystore-password", "");

    /**
     * {@code kafka.idempotent} (producer): {@code enable.idempotence}, true by default, so retries never
     * duplicate or reorder a message.
     */
    public static final OptionKey<Boolean> IDEMPOTENT = OptionKey.bool("kafka.idempotent", true);

    /**
     * {@code kafka.buffer-size} (consumer): how many fetched messages may wait for {@code next()}; past
     * it the consumer pauses fetching (and resumes at half), staying in its group. 2,000 by default.
     */
    public static final OptionKey<Integer> BUFFER_SIZE = OptionKey.integer("kafka.buffer-size", 2000);

    /**
     * {@code kafka.poll-interval} (consumer): the longest single {@code poll} of the consumer's thread,
     * or of a reading thread that polls itself; commands, commits and the close wake it earlier. 500 ms
     * by default.
     */
    public static final OptionKey<Duration> POLL_INTERVAL = OptionKey.duration("kafka.poll-interval", Duration.ofMillis(500));

    /**
     * {@code kafka.partition-refresh} (consumer): how often a {@code REAL_TIME} or {@code RESUMABLE}
     * consumer looks for new partitions of its topics, which it then reads from their beginning. 2 s by
     * default. (Group members get new partitions through the group.)
     */
    public static final OptionKey<Duration> PARTITION_REFRESH = OptionKey.duration("kafka.partition-refresh", Duration.ofSeconds(2));

    /**
     * {@code kafka.ready-timeout} (consumer): how long creating a consumer may wait for its partitions
     * and starting positions (a group member: for its first assignment). 60 s by default.
     */
    public static final OptionKey<Duration> READY_TIMEOUT = OptionKey.duration("kafka.ready-timeout", Duration.ofSeconds(60));

    /** {@code kafka.close-timeout}: how long closing a producer or consumer may take. 30 s by default. */
    public static final OptionKey<Duration> CLOSE_TIMEOUT = OptionKey.duration("kafka.close-timeout", Duration.ofSeconds(30));

    /** Every typed option. */
    static final List<OptionKey<?>> ALL = List.of(SECURITY_PROTOCOL, SASL_MECHANISM, SASL_USERNAME, SASL_PASSWORD,
            SSL_TRUSTSTORE, SSL_TRUSTSTORE_PASSWORD, SSL_KEYSTORE, SSL_KEYSTORE_PASSWORD, IDEMPOTENT,
            BUFFER_SIZE, POLL_INTERVAL, PARTITION_REFRESH, READY_TIMEOUT, CLOSE_TIMEOUT);

    /** The prefix of every Kafka option. */
    public static final String PREFIX = "kafka.";

    /** The names of the typed options without the {@code kafka.} prefix: never passed through. */
    static final Set<String> TYPED_SUFFIXES = ALL.stream()
            .map(k -> k.name().substring(PREFIX.length())).collect(Collectors.toUnmodifiableSet());

    private KafkaOptions() {
    }
}
