package dev.tide;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;

/**
 * A message: a {@link MessageHeader} and a payload of bytes. Immutable and thread-safe. Payloads are
 * shared, not copied: {@link #slice} and {@link #buffer()} are views of the same bytes.
 */
public interface Message {

    /**
     * A message over a whole byte array. The array is not copied and must not be modified afterwards.
     *
     * @param header where and when
     * @param payload the bytes
     * @return the message
     */
    static Message of(MessageHeader header, byte[] payload) {
        return new SharedMessage(header, payload, 0, payload.length);
    }

    /**
     * A message over part of a byte array, without copying it. The array must not be modified afterwards.
     *
     * @param header where and when
     * @param bytes the array holding the payload
     * @param offset where the payload starts
     * @param length how long it is
     * @return the message
     * @throws IndexOutOfBoundsException if the range is outside the array
     */
    static Message of(MessageHeader header, byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return new SharedMessage(header, bytes, offset, length);
    }

    /** Where and when. */
    MessageHeader header();

    /** The stream. */
    default StreamKey key() {
        return header().key();
    }

    /** The shard. */
    default ShardId shard() {
        return header().shard();
    }

    /** The sequence number. */
    default SeqNo seq() {
        return header().seq();
    }

    /** The stored timestamp. */
    default Instant timestamp() {
        return header().timestamp();
    }

    /** The payload's length in bytes. */
    int size();

    /**
     * One byte of the payload.
     *
     * @param index 0 to {@code size() - 1}
     * @return the byte
     * @throws IndexOutOfBoundsException if {@code index} is outside the payload
     */
    byte byteAt(int index);

    /** A copy of the payload. */
    byte[] bytes();

    /** A read-only view of the payload, without copying. */
    ByteBuffer buffer();

    /**
     * The payload decoded as UTF-8.
     *
     * @return the text
     * @throws StreamException {@link StreamException.Kind#FORMAT} if the payload is not valid UTF-8,
     *     naming the stream, sequence number and byte offset
     */
    String asString();

    /** Whether the payload is valid UTF-8. */
    boolean isUtf8();

    /**
     * The same message with part of its payload, sharing the bytes.
     *
     * @param offset where the slice starts within this payload
     * @param length the slice's length
     * @return the sliced message
     * @throws IndexOutOfBoundsException if the range is outside the payload
     */
    Message slice(int offset, int length);

    /**
     * The same payload under another header, sharing the bytes.
     *
     * @param header the new header
     * @return the message
     */
    Message withHeader(MessageHeader header);
}
