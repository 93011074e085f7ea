package dev.tide.redis;

import dev.tide.ConnectOptions;
import dev.tide.Message;
import dev.tide.MessageHeader;
import dev.tide.ProducerOptions;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import dev.tide.flow.Flow;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

/**
 * The Redis tools behind {@code tide dump} (SeaStreamer's {@code redis-streams-dump}) and
 * {@code tide trim} (its {@code trim-stream}). Each call opens its own connection and closes it before
 * returning. Thread-safe: calls share nothing.
 */
public final class RedisTools {

    private static final int PAGE = 1000;

    private RedisTools() {
    }

    /**
     * The messages stored now in the URL's streams (every shard: the plain key and each {@code key:N}),
     * with the headers Redis gives them (key, shard, sequence number {@code (ms << 16) | n}, timestamp
     * {@code ms}), merged in time order (ties: sequence number, stream key, shard). A snapshot, read with
     * paged {@code XRANGE}: it ends at the last entry stored when each shard's read reaches it, rather
     * than after a quiet second as SeaStreamer's dump does.
     *
     * <p>The flow is cold: each collection connects, reads and disconnects. <em>Emits when</em> the next
     * message in time order is known. <em>Completes when</em> every shard is read up to {@code until}.
     * <em>Fails when</em> Redis cannot be reached ({@link StreamException.Kind#CONNECT}), a key is not a
     * stream ({@link StreamException.Kind#BACKEND}), or an entry id has no sequence number
     * ({@link StreamException.Kind#FORMAT}).
     *
     * @param url {@code redis://nodes/key1,key2}, at least one key
     * @param options connect options ({@link RedisOptions})
     * @param since the earliest timestamp to include (inclusive), or empty for the beginning
     * @param until the latest timestamp to include (inclusive, to the millisecond), or empty for the end
     * @return the messages
     * @throws StreamException {@link StreamException.Kind#STREAM_KEY_EMPTY} if the URL names no stream
     */
    public static Flow<Message> snapshot(StreamUrl url, ConnectOptions options, Optional<Instant> since, Optional<Instant> until) {
        if (url.keys().isEmpty()) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY, "no stream to dump in " + url
                    + "; name them as redis://host/key1,key2");
        }
        String start = since.map(t -> EntryId.firstAtOrAfter(t).toString()).orElse("-");
        String end = until.map(t -> t.getEpochSecond() < 0 ? "0-0" : t.toEpochMilli() + "-18446744073709551615").orElse("+");
        return emitter -> {
            try (RedisBackend backend = RedisBackend.connect(url, options)) {
                PriorityQueue<Cursor> heads = new PriorityQueue<>(Cursor.ORDER);
                for (StreamKey key : url.keys()) {
                    for (Map.Entry<String, ShardId> shard : shardsOf(backend, key).entrySet()) {
                        Cursor c = new Cursor(backend, key, shard.getValue(), shard.getKey(), start, end);
                        if (c.advance()) {
                            heads.add(c);
                        }
                    }
                }
                while (!heads.isEmpty()) {
                    Cursor c = heads.poll();
                    Message m = c.head;
                    if (c.advance()) {
                        heads.add(c);
                    }
                    emitter.emit(m);
                }
            }
        };
    }

    /** The plain key (when it is a stream) and every {@code key:N} stream, by Redis key. */
    private static Map<String, ShardId> shardsOf(RedisBackend backend, StreamKey key) {
        Map<String, ShardId> out = new LinkedHashMap<>();
        String type = Errors.await(backend.control.async().type(key.name()), backend.commandTimeout, "TYPE " + key.name());
        if ("stream".equals(type)) {
            out.put(key.name(), ShardId.ZERO);
        } else if (!"none".equals(type)) {
            throw new StreamException(StreamException.Kind.BACKEND, key.name() + " on " + backend.where()
                    + " is a " + type + ", not a stream");
        }
        TreeMap<ShardId, String> shards = new TreeMap<>();
        for (String k : backend.scanStreams(key.name() + ":*")) {
            ShardId shard = ShardKeys.shardOf(key.name(), k);
            if (shard != null) {
                shards.put(shard, k);
            }
        }
        shards.forEach((shard, k) -> out.put(k, shard));
        return out;
    }

    /** One shard's entries, a page at a time. */
    private static final class Cursor {
        static final Comparator<Cursor> ORDER = Comparator.<Cursor, dev.tide.SeqNo>comparing(c -> c.head.seq())
                .thenComparing(c -> c.key).thenComparing(c -> c.shard);

        private final RedisBackend backend;
        private final StreamKey key;
        private final ShardId shard;
        private final String redisKey;
        private final String end;
        private final ArrayDeque<StreamMessage<String, byte[]>> page = new ArrayDeque<>();
        private Range.Boundary<String> from;
        private boolean exhausted;
        Message head;

        Cursor(RedisBackend backend, StreamKey key, ShardId shard, String redisKey, String start, String end) {
            this.backend = backend;
            this.key = key;
            this.shard = shard;
            this.redisKey = redisKey;
            this.end = end;
            this.from = start.equals("-") ? Range.Boundary.unbounded() : Range.Boundary.including(start);
        }

        /** Moves to the next message; false at the end. */
        boolean advance() {
            while (true) {
                if (page.isEmpty()) {
                    if (exhausted) {
                        return false;
                    }
                    Range<String> range = Range.from(from, end.equals("+") ? Range.Boundary.unbounded() : Range.Boundary.including(end));
                    List<StreamMessage<String, byte[]>> got = Errors.await(backend.control.async().xrange(redisKey, range,
                            Limit.create(0, PAGE)), backend.commandTimeout, "XRANGE " + redisKey);
                    if (got.size() < PAGE) {
                        exhausted = true;
                    }
                    if (got.isEmpty()) {
                        return false;
                    }
                    page.addAll(got);
                    from = Range.Boundary.excluding(got.get(got.size() - 1).getId());
                }
                StreamMessage<String, byte[]> sm = page.pollFirst();
                byte[] payload = sm.getBody() == null ? null : sm.getBody().get(backend.field);
                if (payload == null) {
                    continue;
                }
                EntryId id = EntryId.parse(sm.getId());
                head = Message.of(new MessageHeader(key, shard, id.seq(redisKey), id.timestamp()), payload);
                return true;
            }
        }
    }

    /**
     * Trims each of the URL's streams to about {@code maxLength} entries per shard key
     * ({@code XTRIM MAXLEN [~]}, as SeaStreamer's {@code trim-stream --max-len}). Blocks.
     *
     * @param url {@code redis://nodes/key1,key2}
     * @param options connect options
     * @param maxLength entries to keep per shard key
     * @param exact trim exactly rather than approximately (cheaper; SeaStreamer's way)
     * @return entries removed, per stream
     * @throws StreamException {@link StreamException.Kind#CONNECT} if Redis cannot be reached,
     *     {@link StreamException.Kind#STREAM_KEY_EMPTY} if the URL names no stream
     */
    public static Map<StreamKey, Long> trimMaxLength(StreamUrl url, ConnectOptions options, long maxLength, boolean exact) {
        return trim(url, options, (p, k) -> p.trimMaxLength(k, maxLength, exact));
    }

    /**
     * Removes the entries older than {@code minTimestamp} from each of the URL's streams
     * ({@code XTRIM MINID [~]}, as SeaStreamer's {@code trim-stream --min-ts}). Blocks.
     *
     * @param url {@code redis://nodes/key1,key2}
     * @param options connect options
     * @param minTimestamp entries with an earlier timestamp are removed
     * @param exact trim exactly rather than approximately
     * @return entries removed, per stream
     * @throws StreamException as {@link #trimMaxLength}
     */
    public static Map<StreamKey, Long> trimMinTimestamp(StreamUrl url, ConnectOptions options, Instant minTimestamp, boolean exact) {
        return trim(url, options, (p, k) -> p.trimMinTimestamp(k, minTimestamp, exact));
    }

    private interface TrimCall {
        java.util.concurrent.CompletableFuture<Long> apply(RedisProducer producer, StreamKey key);
    }

    private static Map<StreamKey, Long> trim(StreamUrl url, ConnectOptions options, TrimCall call) {
        if (url.keys().isEmpty()) {
            throw new StreamException(StreamException.Kind.STREAM_KEY_EMPTY, "no stream to trim in " + url
                    + "; name them as redis://host/key1,key2");
        }
        Map<StreamKey, Long> removed = new LinkedHashMap<>();
        try (Streamer streamer = Streamer.connect(url, options);
                RedisProducer producer = (RedisProducer) streamer.producer(ProducerOptions.defaults())) {
            List<java.util.concurrent.CompletableFuture<Long>> futures = new ArrayList<>();
            for (StreamKey key : url.keys()) {
                futures.add(call.apply(producer, key));
            }
            for (int i = 0; i < futures.size(); i++) {
                removed.put(url.keys().get(i), futures.get(i).get());
            }
        } catch (InterruptedException e) {
            throw StreamException.interrupted(e, "trimming " + url);
        } catch (ExecutionException e) {
            throw Errors.translate(e, "trimming " + url);
        }
        return removed;
    }
}
