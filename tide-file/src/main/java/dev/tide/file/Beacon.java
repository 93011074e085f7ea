package dev.tide.file;

import java.util.List;

/**
 * A beacon as read from a file.
 *
 * @param offset where it starts (a multiple of the interval)
 * @param size its length in bytes
 * @param remaining bytes of the frame it cuts that follow it
 * @param markers its markers
 */
record Beacon(long offset, int size, long remaining, List<Marker> markers) {
}
