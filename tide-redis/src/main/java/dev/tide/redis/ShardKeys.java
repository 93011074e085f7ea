package dev.tide.redis;

import dev.tide.ShardId;

/** SeaStreamer's key layout: shard {@code n} of stream {@code s} is the Redis key {@code s:n}; the plain key {@code s} is shard 0. */
final class ShardKeys {

    private ShardKeys() {
    }

    /**
     * The shard a Redis key holds for a stream.
     *
     * @param stream the stream's name
     * @param redisKey a Redis key
     * @return the shard: 0 for the plain key, {@code n} for {@code stream:n}; null if the key is neither
     */
    static ShardId shardOf(String stream, String redisKey) {
        if (redisKey.equals(stream)) {
            return ShardId.ZERO;
        }
        if (redisKey.length() <= stream.length() + 1 || !redisKey.startsWith(stream) || redisKey.charAt(stream.length()) != ':') {
            return null;
        }
        String digits = redisKey.substring(stream.length() + 1);
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        try {
            return ShardId.of(Long.parseUnsignedLong(digits));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
