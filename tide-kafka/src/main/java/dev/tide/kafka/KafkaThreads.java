package dev.tide.kafka;

import java.util.concurrent.ThreadFactory;

/**
 * The one place tide-kafka creates threads.
 *
 * <p>Each consumer owns one platform thread, {@code tide-kafka-consumer-<n>}, that starts and closes its
 * kafka-clients consumer and polls it while the application's threads do not (see
 * {@link RealKafkaConsumer}). It is a platform thread, not a virtual one, because it may spend its life
 * blocked inside kafka-clients' NIO selector and monitors, which would pin a carrier thread of the small
 * virtual-thread scheduler. A relay runs on the
 * thread that calls {@link KafkaRelay#run()}. kafka-clients starts its own threads besides (a producer's
 * I/O thread, a group member's heartbeat thread, the admin client's thread).
 */
final class KafkaThreads {

    private static final ThreadFactory CONSUMERS = Thread.ofPlatform().name("tide-kafka-consumer-", 1).daemon(true).factory();

    private KafkaThreads() {
    }

    /**
     * Starts a consumer's thread.
     *
     * @param body what it runs
     * @return the started thread
     */
    static Thread startConsumerThread(Runnable body) {
        Thread thread = CONSUMERS.newThread(body);
        thread.start();
        return thread;
    }
}
