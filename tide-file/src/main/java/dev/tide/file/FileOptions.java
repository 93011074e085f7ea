package dev.tide.file;

import dev.tide.OptionKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The options of the {@code file://} backend, all named {@code file.*}. Connect options go on
 * {@link dev.tide.ConnectOptions}, consumer options on {@link dev.tide.ConsumerOptions}; an unknown
 * {@code file.*} name fails with {@link dev.tide.StreamException.Kind#INVALID_OPTION}.
 */
public final class FileOptions {

    /** What {@link #CREATE} does when the file is missing or present. */
    public enum CreateMode {
        /** The file must exist (SeaStreamer's default); text {@code must-exist}. */
        MUST_EXIST,
        /** Create the file if it is missing, else use it; text {@code if-missing}. */
        IF_MISSING,
        /** Create the file, failing if it exists; text {@code only}. */
        ONLY;

        static CreateMode parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "must-exist", "never" -> MUST_EXIST;
                case "if-missing", "create-if-missing", "true" -> IF_MISSING;
                case "only", "create-only" -> ONLY;
                default -> throw new IllegalArgumentException("expected must-exist, if-missing or only");
            };
        }
    }

    /** Connect: whether to create the file; default {@link CreateMode#MUST_EXIST}. */
    public static final OptionKey<CreateMode> CREATE =
            OptionKey.of("file.create", CreateMode.class, CreateMode.MUST_EXIST, CreateMode::parse);

    /**
     * Connect: the beacon interval of a file this connection creates, in bytes: a positive multiple of
     * 1024 (text also {@code 64KiB}, {@code 1MiB}); default 1 MiB. An existing file keeps its own.
     */
    public static final OptionKey<Integer> BEACON_INTERVAL =
            OptionKey.of("file.beacon-interval", Integer.class, 1 << 20, FileOptions::parseSize);

    /**
     * Connect: the size the file may not exceed, in bytes (text also with KiB/MiB/GiB); default 16 GiB.
     * A send whose frame would cross it fails with {@link dev.tide.StreamException.Kind#IO} and writes
     * nothing.
     */
    public static final OptionKey<Long> SIZE_LIMIT =
            OptionKey.of("file.size-limit", Long.class, 16L << 30, text -> (long) parseSizeLong(text));

    /**
     * Connect: when the streamer closes, end the file with the end-of-stream marker (if this streamer
     * wrote to it and no other producer in the process still does); default false.
     */
    public static final OptionKey<Boolean> END_WITH_EOS = OptionKey.bool("file.end-with-eos", false);

    /** Connect: the clock that timestamps messages (ms precision); default the system clock. */
    public static final OptionKey<Clock> CLOCK = OptionKey.object("file.clock", Clock.class, Clock.systemUTC());

    /**
     * Connect: the longest wait between two looks at the file for bytes written by another process
     * (writes of this process wake readers at once); default 20 ms. Reader waits back off from 1 ms to
     * this.
     */
    public static final OptionKey<Duration> POLL_MAX = OptionKey.duration("file.poll-max", Duration.ofMillis(20));

    /**
     * Connect: write commit files with fsync, so commits survive a power loss and not only a crash;
     * default true.
     */
    public static final OptionKey<Boolean> COMMIT_SYNC = OptionKey.bool("file.commit-sync", true);

    /**
     * Consumer: keep following the file after reaching its end (like {@code tail -f}); default true.
     * False replays to the end and then ends ({@link dev.tide.StreamException.Kind#ENDED}); it needs
     * {@link dev.tide.StreamReset#EARLIEST} or a committed position.
     */
    public static final OptionKey<Boolean> LIVE = OptionKey.bool("file.live", true);

    /**
     * Consumer: read every stream in the file (except the internal end-of-stream frames), whatever keys
     * were given; default false. Naming the key {@code SEA_STREAMER_WILDCARD} does the same, as in
     * SeaStreamer.
     */
    public static final OptionKey<Boolean> ALL_STREAMS = OptionKey.bool("file.all-streams", false);

    /** Consumer: how many messages a consumer reads ahead of {@code next()}; default 1000. */
    public static final OptionKey<Integer> PREFETCH = OptionKey.integer("file.prefetch", 1000);

    /**
     * Consumer: whether a seek or rewind of a whole stream key (without {@code assign}) also reads the
     * frames before the start the beacons give; default false. The beacons list the shards of their own
     * writing session only, so a shard written only in a session that ended before any beacon listed it
     * is invisible to them: with false, a seek is a binary search over the beacons (milliseconds in a
     * 1 GB file) and such a shard's messages at or after the target that lie before the beacons' start
     * are passed over; with true, they are found too, at the cost of reading the file up to the target.
     * Seeks of assigned shards are exact either way.
     */
    public static final OptionKey<Boolean> SEEK_SCAN = OptionKey.bool("file.seek-scan", false);

    /** SeaStreamer's wildcard stream key: a consumer of it reads every stream. */
    public static final String WILDCARD_KEY = "SEA_STREAMER_WILDCARD";

    static final Set<String> CONNECT_NAMES = Set.of(CREATE.name(), BEACON_INTERVAL.name(), SIZE_LIMIT.name(),
            END_WITH_EOS.name(), CLOCK.name(), POLL_MAX.name(), COMMIT_SYNC.name());
    static final Set<String> CONSUMER_NAMES = Set.of(LIVE.name(), ALL_STREAMS.name(), PREFETCH.name(), SEEK_SCAN.name());

    private FileOptions() {
    }

    private static Integer parseSize(String text) {
        long v = parseSizeLong(text);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("at most 2 GiB");
        }
        return (int) v;
    }

    private static long parseSizeLong(String text) {
        String t = text.strip();
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 18) {
            throw new IllegalArgumentException("expected a number of bytes, such as 1048576 or 1MiB");
        }
        long n = Long.parseLong(t.substring(0, i));
        long unit = switch (t.substring(i).strip().toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k", "kib", "kb" -> 1L << 10;
            case "m", "mib", "mb" -> 1L << 20;
            case "g", "gib", "gb" -> 1L << 30;
            default -> throw new IllegalArgumentException("unknown unit; use KiB, MiB or GiB");
        };
        return Math.multiplyExact(n, unit);
    }
}
