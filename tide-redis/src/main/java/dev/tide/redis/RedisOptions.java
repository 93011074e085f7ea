package dev.tide.redis;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.OptionKey;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the Redis backend, for {@code redis://} and {@code rediss://} URIs. Each is an
 * {@link OptionKey} named {@code redis.*}; set them typed from code or as text (for example
 * {@code --option redis.batch-size=500} on the command line):
 * <pre>{@code
 * ConnectOptions connect = ConnectOptions.defaults().with(RedisOptions.PASSWORD, "secret");
 * ConsumerOptions consumer = ConsumerOptions.loadBalanced("workers")
 *         .with(RedisOptions.AUTO_COMMIT, AutoCommit.DISABLED)
 *         .with(RedisOptions.AUTO_CLAIM_IDLE, Duration.ofSeconds(30));
 * }</pre>
 * An unknown {@code redis.*} name fails with {@link StreamException.Kind#INVALID_OPTION} when the
 * streamer, producer or consumer is created.
 */
public final class RedisOptions {

    private RedisOptions() {
    }

    // ------------------------------------------------------------------ connect options

    /** ACL user name (Redis 6+); empty for none. A user in the URI ({@code redis://user:pw@host}) is used when this is empty. */
    public static final OptionKey<String> USERNAME = OptionKey.string("redis.username", "");

    /** Password; empty for none. */
    public static final OptionKey<String> PASSWORD = OptionKey.string("redis.password", "");

    /** Database number (standalone servers only; a cluster has only database 0). */
    public static final OptionKey<Integer> DB = OptionKey.integer("redis.db", 0);

    /**
     * The entry field that holds the payload: {@code XADD key * <field> <payload>}. SeaStreamer's
     * default {@code msg}. Entries without this field are skipped by consumers.
     */
    public static final OptionKey<String> MESSAGE_FIELD = OptionKey.string("redis.message-field", "msg");

    /**
     * Whether the nodes form a Redis Cluster: {@code auto} (the default: several nodes mean a cluster,
     * and a single node is asked with {@code INFO cluster}), {@code true} or {@code false}.
     */
    public static final OptionKey<String> CLUSTER = OptionKey.string("redis.cluster", "auto");

    /**
     * How a {@code rediss://} connection checks the server's certificate: {@code full} (the default:
     * a trusted chain and a matching host name), {@code ca} (a trusted chain only) or {@code none}
     * (no check; for tests).
     */
    public static final OptionKey<String> TLS_VERIFY = OptionKey.string("redis.tls-verify", "full");

    /** A PEM file of CA certificates to trust for {@code rediss://}, instead of the JDK's trust store; empty for the JDK's. */
    public static final OptionKey<String> TLS_CA = OptionKey.string("redis.tls-ca", "");

    /** How long one command may take before it fails with {@link StreamException.Kind#TIMEOUT}. */
    public static final OptionKey<Duration> COMMAND_TIMEOUT = OptionKey.duration("redis.command-timeout", Duration.ofSeconds(60));

    /**
     * How long a consumer keeps trying to reconnect after losing its server before its
     * {@link dev.tide.Consumer#next()} fails with {@link StreamException.Kind#CONNECT}.
     */
    public static final OptionKey<Duration> RECONNECT_TIMEOUT = OptionKey.duration("redis.reconnect-timeout", Duration.ofSeconds(60));

    /** Netty I/O threads of the connection (shared by its producers and consumers). */
    public static final OptionKey<Integer> IO_THREADS = OptionKey.integer("redis.io-threads", 2);

    // ------------------------------------------------------------------ producer and consumer

    /**
     * Producer: the most XADD commands written in one pipelined batch (default 1000). Consumer: the
     * page size of XREAD / XREADGROUP ({@code COUNT}): 1000 for {@link dev.tide.ConsumerMode#RESUMABLE}
     * (one member owns the group's progress, so large pages cost nothing in fairness and save round trips),
     * 10 for {@link dev.tide.ConsumerMode#LOAD_BALANCED} (small pages share the work between members: a
     * member fetches no more than it is about to process), 100 for {@link dev.tide.ConsumerMode#REAL_TIME}
     * (SeaStreamer's page). 0 selects the default. A prefetching consumer holds up to about two pages of
     * messages in memory: lower it for large payloads.
     */
    public static final OptionKey<Integer> BATCH_SIZE = OptionKey.integer("redis.batch-size", 0);

    // ------------------------------------------------------------------ producer options

    /** How messages without an explicit shard are spread over shards; {@link Sharder#none()} (the plain key) by default. Text: {@code round-robin:N}, {@code hash:N}. */
    public static final OptionKey<Sharder> SHARDER = OptionKey.of("redis.sharder", Sharder.class, Sharder.none(), Sharder::parse);

    /** How long the producer waits for more messages to fill a batch once it has some; zero (the default) sends at once. */
    public static final OptionKey<Duration> LINGER = OptionKey.duration("redis.linger", Duration.ZERO);

    /** The most XADD commands a producer has in flight (sent, not yet answered). */
    public static final OptionKey<Integer> MAX_IN_FLIGHT = OptionKey.integer("redis.max-in-flight", 10_000);

    // ------------------------------------------------------------------ consumer options

    /** How long one XREAD / XREADGROUP waits on the server for new entries ({@code BLOCK}). */
    public static final OptionKey<Duration> BLOCK = OptionKey.duration("redis.block", Duration.ofSeconds(5));

    /** When a group consumer acknowledges: see {@link AutoCommit}. Text: {@code immediate}, {@code delayed}, {@code rolling}, {@code disabled}. */
    public static final OptionKey<AutoCommit> AUTO_COMMIT = OptionKey.of("redis.auto-commit", AutoCommit.class,
            AutoCommit.DELAYED, text -> AutoCommit.valueOf(text.strip().toUpperCase(Locale.ROOT)));

    /** {@link AutoCommit#DELAYED}: how long after {@code next()} returned a message it is acknowledged. */
    public static final OptionKey<Duration> AUTO_COMMIT_DELAY = OptionKey.duration("redis.auto-commit-delay", Duration.ofSeconds(5));

    /**
     * {@link AutoCommit#DELAYED} and {@link AutoCommit#ROLLING}: how often acknowledgements are sent;
     * marks made with {@link RedisConsumer#ack} are also sent as soon as a page's worth
     * ({@link #BATCH_SIZE}) waits.
     */
    public static final OptionKey<Duration> AUTO_COMMIT_INTERVAL = OptionKey.duration("redis.auto-commit-interval", Duration.ofSeconds(1));

    /**
     * {@link dev.tide.ConsumerMode#LOAD_BALANCED}: how often a member looks for messages that other
     * members left unacknowledged for longer than {@link #AUTO_CLAIM_IDLE} (zero: never).
     */
    public static final OptionKey<Duration> AUTO_CLAIM_INTERVAL = OptionKey.duration("redis.auto-claim-interval", Duration.ofSeconds(30));

    /**
     * {@link dev.tide.ConsumerMode#LOAD_BALANCED}: how long a delivered message may stay unacknowledged
     * before another member claims it (XAUTOCLAIM). This is the group's visibility timeout: a member that
     * holds a message longer than this without committing it may see it processed again elsewhere.
     */
    public static final OptionKey<Duration> AUTO_CLAIM_IDLE = OptionKey.duration("redis.auto-claim-idle", Duration.ofSeconds(60));

    /**
     * Group modes: create a missing stream together with the group ({@code XGROUP CREATE … MKSTREAM}), so a
     * group consumer can start before any producer (the default, as on Tide's other backends). With
     * {@code false} (SeaStreamer's default), creating a group consumer of a missing stream fails with
     * {@link StreamException.Kind#STREAM_KEY_NOT_FOUND}.
     */
    public static final OptionKey<Boolean> MKSTREAM = OptionKey.bool("redis.mkstream", true);

    /**
     * The consumer's name within its group; empty for the default: the group's name for
     * {@link dev.tide.ConsumerMode#RESUMABLE} (stable across restarts), a unique
     * {@code host:pid:n} name for {@link dev.tide.ConsumerMode#LOAD_BALANCED}.
     */
    public static final OptionKey<String> CONSUMER_ID = OptionKey.string("redis.consumer-id", "");

    /**
     * Group modes: the stream that receives messages delivered more than {@link #MAX_DELIVERIES} times
     * (poison messages), as {@code XADD <dead-letter> * <field> <payload> origin <key> origin-id <id>},
     * acknowledging the original. Empty (the default): no dead-letter stream.
     */
    public static final OptionKey<String> DEAD_LETTER_STREAM = OptionKey.string("redis.dead-letter-stream", "");

    /** Group modes with a {@link #DEAD_LETTER_STREAM}: the most deliveries a message gets. */
    public static final OptionKey<Integer> MAX_DELIVERIES = OptionKey.integer("redis.max-deliveries", 10);

    /**
     * How often a consumer looks for shards ({@code key:N}) created after it started, with SCAN (zero:
     * only when it starts).
     */
    public static final OptionKey<Duration> DISCOVERY_INTERVAL = OptionKey.duration("redis.discovery-interval", Duration.ofSeconds(5));

    // ------------------------------------------------------------------ validation

    static final List<OptionKey<?>> CONNECT_KEYS = List.of(USERNAME, PASSWORD, DB, MESSAGE_FIELD, CLUSTER, TLS_VERIFY,
            TLS_CA, COMMAND_TIMEOUT, RECONNECT_TIMEOUT, IO_THREADS);
    static final List<OptionKey<?>> PRODUCER_KEYS = List.of(BATCH_SIZE, SHARDER, LINGER, MAX_IN_FLIGHT);
    static final List<OptionKey<?>> CONSUMER_KEYS = List.of(BATCH_SIZE, BLOCK, AUTO_COMMIT, AUTO_COMMIT_DELAY,
            AUTO_COMMIT_INTERVAL, AUTO_CLAIM_INTERVAL, AUTO_CLAIM_IDLE, MKSTREAM, CONSUMER_ID, DEAD_LETTER_STREAM,
            MAX_DELIVERIES, DISCOVERY_INTERVAL);

    static void check(ConnectOptions options) {
        check(options.names(), CONNECT_KEYS, "connect");
        CONNECT_KEYS.forEach(options::get);
        choice(options, CLUSTER, "auto", "true", "false");
        choice(options, TLS_VERIFY, "full", "ca", "none");
    }

    /**
     * The value of a text option that has a fixed set of values, in lower case.
     *
     * @throws StreamException {@link StreamException.Kind#INVALID_OPTION} naming the option and its values
     */
    static String choice(ConnectOptions options, OptionKey<String> key, String... values) {
        String value = options.get(key).strip().toLowerCase(Locale.ROOT);
        for (String v : values) {
            if (v.equals(value)) {
                return v;
            }
        }
        throw new StreamException(StreamException.Kind.INVALID_OPTION, "invalid value \"" + options.get(key) + "\" for option "
                + key.name() + ": expected one of " + String.join(", ", values));
    }

    static void check(ProducerOptions options) {
        check(options.names(), PRODUCER_KEYS, "producer");
        PRODUCER_KEYS.forEach(options::get);
    }

    static void check(ConsumerOptions options) {
        check(options.names(), CONSUMER_KEYS, "consumer");
        CONSUMER_KEYS.forEach(options::get);
    }

    private static void check(Set<String> names, List<OptionKey<?>> known, String where) {
        for (String name : names) {
            if (name.startsWith("redis.") && known.stream().noneMatch(k -> k.name().equals(name))) {
                Set<String> valid = new TreeSet<>();
                known.forEach(k -> valid.add(k.name()));
                throw new StreamException(StreamException.Kind.INVALID_OPTION, "unknown " + where + " option " + name
                        + "; the Redis " + where + " options are " + String.join(", ", valid));
            }
        }
    }
}
