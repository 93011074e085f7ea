package dev.tide.redis;

import dev.tide.ConsumerMode;
import dev.tide.StreamException;
import java.time.Duration;

/**
 * A consumer's housekeeper thread ({@code tide-redis-housekeeper}): on schedule, sends automatic
 * acknowledgements ({@link Acks#autoAck}, every {@link RedisOptions#AUTO_COMMIT_INTERVAL} or as soon as a
 * page's worth is marked), claims idle messages of other members and moves dead letters
 * ({@link Failover#claim}, XAUTOCLAIM, every {@link RedisOptions#AUTO_CLAIM_INTERVAL}) and discovers shards created later
 * ({@link Discovery#discoverMore}, SCAN, every {@link RedisOptions#DISCOVERY_INTERVAL}), on the shared
 * control connection. It waits on the consumer's condition (without the lock while it works) and ends
 * when the consumer is closed; a failed round is tried again at the next turn.
 */
final class Housekeeper {

    private final RedisConsumerImpl owner;
    private final Duration commitInterval;
    private final Duration claimInterval;
    private final Duration discoveryInterval;
    private Thread thread;

    Housekeeper(RedisConsumerImpl owner, Duration commitInterval, Duration claimInterval, Duration discoveryInterval) {
        this.owner = owner;
        this.commitInterval = commitInterval;
        this.claimInterval = claimInterval;
        this.discoveryInterval = discoveryInterval;
    }

    void start() {
        thread = RedisThreads.start("housekeeper", this::run);
    }

    /** Waits for the thread to end (after the consumer is closed). */
    void join() throws InterruptedException {
        thread.join();
    }

    private void run() {
        boolean acking = owner.acks.background;
        boolean claiming = owner.mode == ConsumerMode.LOAD_BALANCED && !owner.noAck
                && !claimInterval.isZero() && !claimInterval.isNegative();
        boolean discovering = !discoveryInterval.isZero() && !discoveryInterval.isNegative();
        long now = System.nanoTime();
        long nextAck = acking ? now + commitInterval.toNanos() : Long.MAX_VALUE;
        long nextClaim = claiming ? now + claimInterval.toNanos() : Long.MAX_VALUE;
        long nextDiscovery = discovering ? now + discoveryInterval.toNanos() : Long.MAX_VALUE;
        while (true) {
            boolean early = false;
            owner.lock.lock();
            try {
                while (!owner.closed) {
                    if (acking && owner.acks.takeDue()) {
                        early = true;
                        break;
                    }
                    long due = Math.min(nextAck, Math.min(nextClaim, nextDiscovery));
                    long left = due == Long.MAX_VALUE ? Long.MAX_VALUE : due - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    if (left == Long.MAX_VALUE) {
                        owner.changed.await();
                    } else {
                        owner.changed.awaitNanos(left);
                    }
                }
                if (owner.closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                owner.lock.unlock();
            }
            now = System.nanoTime();
            try {
                if (early || now >= nextAck) {
                    nextAck = now + commitInterval.toNanos();
                    owner.acks.autoAck();
                }
                if (now >= nextClaim) {
                    nextClaim = now + claimInterval.toNanos();
                    owner.failover.claim();
                }
                if (now >= nextDiscovery) {
                    nextDiscovery = now + discoveryInterval.toNanos();
                    owner.discovery.discoverMore();
                }
            } catch (RuntimeException e) {
                if (e instanceof StreamException se && se.kind() == StreamException.Kind.INTERRUPTED) {
                    return;
                }
                // transient (connection lost, cluster reconfiguring...): the next round tries again
            }
        }
    }
}
