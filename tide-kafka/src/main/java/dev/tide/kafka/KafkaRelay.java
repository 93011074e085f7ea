package dev.tide.kafka;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.ProducerOptions;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import dev.tide.StreamReset;
import dev.tide.StreamUrl;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * An exactly-once relay between Kafka topics: a transactional consume-transform-produce loop. Each batch
 * the consumer polls is transformed and written to the output topic in one Kafka transaction together
 * with the consumer's new offsets ({@code sendOffsetsToTransaction} with the group's metadata), so the
 * output and the input position are stored together or not at all. Killing the relay at any moment and
 * starting it again (with the same transactional id) neither loses nor duplicates a message in the
 * output as seen by a {@code read_committed} reader ({@code kafka.isolation.level=read_committed}):
 * the new instance's {@code initTransactions} aborts the dead one's open transaction and it resumes from
 * the last committed offsets. The relay itself reads with {@code read_committed}, so chained relays stay
 * exactly-once.
 * <pre>{@code
 * try (KafkaRelay relay = KafkaRelay.builder(StreamUrl.parse("kafka://broker:9092/orders"),
 *         StreamUrl.parse("kafka://broker:9092/orders-copy")).reset(StreamReset.EARLIEST).build()) {
 *     relay.run();   // until close() from another thread
 * }
 * }</pre>
 *
 * <p>Input and output must be on one Kafka cluster (a transaction cannot span two). Record keys and
 * headers are kept; the output record gets its own timestamp, partition and offset. The relay's group
 * and transactional id identify it: a restarted relay must reuse both (the defaults are derived from
 * the topics, so the same command line does), and two relays working side by side on the same input
 * need distinct transactional ids. The transactional id is also the group member's
 * {@code group.instance.id}, so a restarted relay takes its partitions back without waiting for the
 * dead one's session to time out.
 *
 * <p>Thread-safety: {@link #run()} runs the loop on the calling thread (one at a time); {@link #close()}
 * and {@link #relayed()} may be called from any thread.
 */
public interface KafkaRelay extends AutoCloseable {

    /**
     * A builder for a relay from {@code input} (one or more topics) to {@code output} (one topic).
     *
     * @param input {@code kafka://nodes/topic1,topic2}
     * @param output {@code kafka://nodes/topic}
     * @return the builder
     */
    static Builder builder(StreamUrl input, StreamUrl output) {
        return new Builder(input, output);
    }

    /**
     * Relays until {@link #close()} is called or the limit is reached: connects, then loops poll →
     * transform → send → commit the transaction. Blocks the calling thread.
     *
     * @return how many input messages were relayed and committed by this call
     * @throws StreamException {@link StreamException.Kind#CONNECT} if the cluster cannot be reached,
     *     {@link StreamException.Kind#BACKEND} if this relay was fenced by another instance with the same
     *     transactional id or the transform failed (the open transaction is aborted first),
     *     {@link StreamException.Kind#CLOSED} if closed before it started
     */
    long run();

    /** How many input messages have been relayed in committed transactions so far. Thread-safe. */
    long relayed();

    /**
     * Stops {@link #run()}: the transaction in progress is finished (committed, or aborted if it fails)
     * and the clients are closed. Thread-safe; closing twice does nothing. Does not wait for
     * {@code run()} to return.
     */
    @Override
    void close();

    /** Settings of a {@link KafkaRelay}. Not thread-safe; {@link #build()} copies them. */
    final class Builder {

        final StreamUrl input;
        final StreamUrl output;
        ConnectOptions connect = ConnectOptions.defaults();
        ConsumerOptions consumer = ConsumerOptions.realTime();
        ProducerOptions producer = ProducerOptions.defaults();
        Optional<String> group = Optional.empty();
        Optional<String> transactionalId = Optional.empty();
        StreamReset reset = StreamReset.LATEST;
        long limit = -1;
        Function<? super KafkaMessage, ? extends Iterable<byte[]>> transform = m -> List.of(m.bytes());

        private Builder(StreamUrl input, StreamUrl output) {
            this.input = Objects.requireNonNull(input, "input");
            this.output = Objects.requireNonNull(output, "output");
        }

        /**
         * The connect timeout, security options and {@code kafka.*} properties of every client.
         *
         * @param options the options
         * @return this builder
         */
        public Builder connectOptions(ConnectOptions options) {
            this.connect = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * {@code kafka.*} properties of the relay's consumer (mode and group are ignored; use
         * {@link #group} and {@link #reset}).
         *
         * @param options the options
         * @return this builder
         */
        public Builder consumerOptions(ConsumerOptions options) {
            this.consumer = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * {@code kafka.*} properties of the relay's transactional producer, such as
         * {@code kafka.transaction.timeout.ms}.
         *
         * @param options the options
         * @return this builder
         */
        public Builder producerOptions(ProducerOptions options) {
            this.producer = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * The consumer group whose offsets record the relay's progress. Default
         * {@code tide-relay-<input topics>-to-<output topic>}.
         *
         * @param group the group's name
         * @return this builder
         */
        public Builder group(String group) {
            this.group = Optional.of(dev.tide.ConsumerGroup.of(group).name());
            return this;
        }

        /**
         * The producer's {@code transactional.id} (and the member's {@code group.instance.id}). Default:
         * the group name.
         *
         * @param id the id
         * @return this builder
         */
        public Builder transactionalId(String id) {
            if (id.isBlank()) {
                throw new IllegalArgumentException("a transactional id must not be blank");
            }
            this.transactionalId = Optional.of(id);
            return this;
        }

        /**
         * Where a relay whose group has no committed offsets starts: the oldest message kept, or only
         * messages sent from now on (the default). The start is committed at once, so a relay killed
         * before its first transaction resumes from there.
         *
         * @param reset the start
         * @return this builder
         */
        public Builder reset(StreamReset reset) {
            this.reset = Objects.requireNonNull(reset, "reset");
            return this;
        }

        /**
         * Stops after relaying {@code n} input messages (the last transaction is cut to fit).
         *
         * @param n at least 0
         * @return this builder
         */
        public Builder limit(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("limit must not be negative: " + n);
            }
            this.limit = n;
            return this;
        }

        /**
         * Turns each input message into zero or more output payloads (default: the payload as is). It runs
         * on the relay's thread inside the transaction; if it throws, the transaction is aborted and
         * {@link KafkaRelay#run()} fails.
         *
         * @param transform the function
         * @return this builder
         */
        public Builder transform(Function<? super KafkaMessage, ? extends Iterable<byte[]>> transform) {
            this.transform = Objects.requireNonNull(transform, "transform");
            return this;
        }

        /**
         * Checks the settings and creates the relay; nothing connects before {@link KafkaRelay#run()}.
         *
         * @return the relay
         * @throws StreamException {@link StreamException.Kind#INVALID_URI} unless both URLs are
         *     {@code kafka://} with topics (one output topic), {@link StreamException.Kind#UNSUPPORTED} if they
         *     name different clusters
         */
        public KafkaRelay build() {
            return TransactionalRelay.create(this);
        }

        List<StreamKey> inputTopics() {
            return input.keys();
        }
    }
}
