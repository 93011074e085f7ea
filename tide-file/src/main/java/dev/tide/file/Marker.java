package dev.tide.file;

/**
 * One beacon marker: the state of one stream and shard when the beacon was written — its largest
 * sequence number and timestamp so far and the running checksum of its payload checksums (all in the
 * writing session that wrote the beacon).
 *
 * @param key the stream key
 * @param shard the shard, unsigned
 * @param seq the largest sequence number written so far, unsigned
 * @param timestampMs the largest timestamp written so far
 * @param runningChecksum CRC-16/CDMA2000 state fed with each message's checksum (big-endian)
 */
record Marker(String key, long shard, long seq, long timestampMs, int runningChecksum) {
}
