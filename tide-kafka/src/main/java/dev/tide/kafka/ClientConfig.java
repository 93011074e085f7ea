package dev.tide.kafka;

import dev.tide.ConnectOptions;
import dev.tide.StreamException;
import dev.tide.StreamerUri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds kafka-clients properties from a Tide URL and options: bootstrap servers from the nodes, security
 * from the typed options, then every other {@code kafka.*} option passed through. Immutable.
 */
final class ClientConfig {

    /** Kafka's default port, used for a node given without one. */
    static final int DEFAULT_PORT = 9092;

    private final Map<String, Object> common;
    private final Duration timeout;

    private ClientConfig(Map<String, Object> common, Duration timeout) {
        this.common = Map.copyOf(common);
        this.timeout = timeout;
    }

    /**
     * The properties every client of a connection shares.
     *
     * @throws StreamException {@link StreamException.Kind#INVALID_URI} for a node that is not host[:port],
     *     {@link StreamException.Kind#INVALID_OPTION} for a bad option
     */
    static ClientConfig of(StreamerUri uri, ConnectOptions options) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers(uri));
        props.putAll(security(options));
        props.putAll(passThrough(options.withPrefix(KafkaOptions.PREFIX)));
        return new ClientConfig(props, options.timeout());
    }

    /** {@code h1:p1,h2:p2} from {@code kafka://h1:p1,h2:p2}; the local node {@code kafka://} is localhost. */
    static String bootstrapServers(StreamerUri uri) {
        List<String> servers = new ArrayList<>();
        for (String node : uri.nodeTexts()) {
            if (node.equals(".")) {
                servers.add("localhost:" + DEFAULT_PORT);
                continue;
            }
            String hostPort = node.endsWith("/") ? node.substring(0, node.length() - 1) : node;
            if (hostPort.isEmpty() || hostPort.contains("/") || hostPort.contains("@")) {
                throw new StreamException(StreamException.Kind.INVALID_URI,
                        "invalid Kafka node \"" + node + "\" in " + uri + ": expected host or host:port");
            }
            int colon = hostPort.lastIndexOf(':');
            boolean bracketed = hostPort.startsWith("[");
            boolean hasPort = colon > 0 && (!bracketed || colon > hostPort.indexOf(']'));
            if (hasPort) {
                String port = hostPort.substring(colon + 1);
                if (port.isEmpty() || !port.chars().allMatch(Character::isDigit) || Integer.parseInt(port) > 65535) {
                    throw new StreamException(StreamException.Kind.INVALID_URI,
                            "invalid port \"" + port + "\" of Kafka node \"" + node + "\" in " + uri);
                }
                servers.add(hostPort);
            } else {
                servers.add(hostPort + ":" + DEFAULT_PORT);
            }
        }
        return String.join(",", servers);
    }

    static Map<String, String> security(ConnectOptions options) {
        Map<String, String> props = new HashMap<>();
        String user = options.get(KafkaOptions.SASL_USERNAME);
        String password = options.get(KafkaOptions.SASL_PASSWORD);
        boolean sasl = !user.isEmpty();
        if (!sasl && !password.isEmpty()) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION,
                    KafkaOptions.SASL_PASSWORD + " is set without " + KafkaOptions.SASL_USERNAME);
        }
        String truststore = options.get(KafkaOptions.SSL_TRUSTSTORE);
        String keystore = options.get(KafkaOptions.SSL_KEYSTORE);
        boolean ssl = !truststore.isEmpty() || !keystore.isEmpty();
        if (sasl) {
            KafkaOptions.SaslMechanism mechanism = options.get(KafkaOptions.SASL_MECHANISM);
            props.put("sasl.mechanism", mechanism.kafkaName());
            props.put("sasl.jaas.config", mechanism.loginModule() + " required username=\"" + jaasEscape(user)
                    + "\" password=\"" + jaasEscape(password) + "\";");
        } else if (options.names().contains(KafkaOptions.SASL_MECHANISM.name())) {
            props.put("sasl.mechanism", options.get(KafkaOptions.SASL_MECHANISM).kafkaName());
        }
        if (!truststore.isEmpty()) {
            props.put("ssl.truststore.location", truststore);
        }
        putIfSet(props, "ssl.truststore.password", options.get(KafkaOptions.SSL_TRUSTSTORE_PASSWORD));
        if (!keystore.isEmpty()) {
            props.put("ssl.keystore.location", keystore);
        }
        putIfSet(props, "ssl.keystore.password", options.get(KafkaOptions.SSL_KEYSTORE_PASSWORD));
        KafkaOptions.SecurityProtocol protocol;
        if (options.names().contains(KafkaOptions.SECURITY_PROTOCOL.name())) {
            protocol = options.get(KafkaOptions.SECURITY_PROTOCOL);
        } else if (sasl) {
            protocol = ssl ? KafkaOptions.SecurityProtocol.SASL_SSL : KafkaOptions.SecurityProtocol.SASL_PLAINTEXT;
        } else if (ssl) {
            protocol = KafkaOptions.SecurityProtocol.SSL;
        } else {
            protocol = null;
        }
        if (protocol != null) {
            props.put("security.protocol", protocol.name());
        }
        return props;
    }

    private static void putIfSet(Map<String, String> props, String name, String value) {
        if (!value.isEmpty()) {
            props.put(name, value);
        }
    }

    /** JAAS option values are double-quoted; a backslash escapes {@code "} and {@code \}. */
    static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The {@code kafka.*} options (prefix removed) that are not typed options, as client properties. */
    static Map<String, String> passThrough(Map<String, String> prefixed) {
        Map<String, String> out = new HashMap<>();
        prefixed.forEach((name, value) -> {
            if (!KafkaOptions.TYPED_SUFFIXES.contains(name)) {
                out.put(name, value);
            }
        });
        return out;
    }

    /** The connect timeout. */
    Duration timeout() {
        return timeout;
    }

    /** The bootstrap servers. */
    String bootstrap() {
        return (String) common.get("bootstrap.servers");
    }

    /**
     * Properties for a client: {@code defaults}, then the connection's, then {@code overrides}.
     *
     * @param defaults Tide's defaults for this kind of client
     * @param overrides the per-client pass-through options
     * @return a mutable map to hand to kafka-clients
     */
    Map<String, Object> client(Map<String, ?> defaults, Map<String, String> overrides) {
        Map<String, Object> props = new HashMap<>(defaults);
        props.putAll(common);
        props.putAll(overrides);
        return props;
    }
}
