package dev.tide.kafka;

import dev.tide.Consumer;
import dev.tide.ConsumerMode;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Consumer} on Kafka. Every consumer of a {@code kafka://} streamer is one ({@link #from}); its
 * messages are {@link KafkaMessage}s. {@link #next()}, {@link #poll}, {@link #commit} and
 * {@link #commitAsync} are thread-safe; positioning calls should not race with reads.
 *
 * <p>How the modes map to Kafka:
 * <ul>
 *   <li>{@link ConsumerMode#REAL_TIME}: no group; every partition of the topics is assigned manually and
 *       partitions added later are found ({@link KafkaOptions#PARTITION_REFRESH}) and read from their
 *       beginning. Starts at the end ({@code LATEST}) or the beginning ({@code EARLIEST}); no commits.</li>
 *   <li>{@link ConsumerMode#RESUMABLE}: the same manual assignment, starting from the group's committed
 *       offsets (or the reset position); commits are stored under the group. Two resumable consumers of
 *       one group both read everything.</li>
 *   <li>{@link ConsumerMode#LOAD_BALANCED}: Kafka's group protocol ({@code subscribe}); partitions move
 *       between members as they come and go (cooperative-sticky assignment unless
 *       {@code kafka.partition.assignment.strategy} or {@code kafka.group.protocol} says otherwise). Before
 *       a partition leaves a member, the commits it asked for are stored and its fetched but undelivered
 *       messages are dropped, so the new owner resumes exactly after the last commit.</li>
 * </ul>
 *
 * <p>Positions: {@code rewind(at(n))} starts at offset n inclusive (the log start if n is below it; if n is
 * beyond the end, the first record with offset at least n once written); {@code seek(t)} starts at the
 * first record whose timestamp is at least t ({@code offsetsForTimes}), or at the end if there is none.
 * Both apply to the assigned partitions ({@link #assign}), all of them until the first {@code assign},
 * and for a group member only to those it currently owns: partitions it is given later start from the
 * group's commits. {@code assign}/{@code unassign} select partitions for positioning only; they do not
 * change what is read.
 *
 * <p>{@code commit(m)} stores offset {@code m.seq() + 1} for m's partition: m and everything before it are
 * processed. Committing a message of a partition this member no longer owns does nothing (the new owner
 * re-reads from the last stored commit). Creating a consumer returns once it has its partitions and
 * starting positions, so messages sent afterwards reach it.
 */
public interface KafkaConsumer extends Consumer {

    /**
     * The partitions this consumer reads right now, by topic: all partitions for {@code REAL_TIME} and
     * {@code RESUMABLE}, this member's share for {@code LOAD_BALANCED}. Blocks briefly (it asks the
     * consumer's thread). Thread-safe.
     *
     * @return topic → partitions
     * @throws StreamException {@link StreamException.Kind#CLOSED} after {@link #close()}
     */
    Map<StreamKey, Set<ShardId>> assignment();

    /**
     * The Kafka view of a consumer.
     *
     * @param consumer a consumer of a {@code kafka://} streamer
     * @return it, as a {@code KafkaConsumer}
     * @throws StreamException {@link StreamException.Kind#UNSUPPORTED} if it is another backend's
     */
    static KafkaConsumer from(Consumer consumer) {
        if (consumer instanceof KafkaConsumer k) {
            return k;
        }
        throw new StreamException(StreamException.Kind.UNSUPPORTED,
                "not a Kafka consumer: " + consumer.getClass().getName());
    }
}
