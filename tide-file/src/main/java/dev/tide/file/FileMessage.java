package dev.tide.file;

import dev.tide.Message;
import dev.tide.MessageHeader;
import dev.tide.StreamException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message read from a file: also knows where its frame is, so a commit can record the position to
 * resume from. Immutable; the payload array is shared and never written.
 */
final class FileMessage implements Message {

    private final MessageHeader header;
    private final byte[] bytes;
    private final int offset;
    private final int length;
    private final long position;
    private final long end;

    FileMessage(MessageHeader header, byte[] bytes, int offset, int length, long position, long end) {
        this.header = Objects.requireNonNull(header, "header");
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        this.position = position;
        this.end = end;
    }

    /** The reader position before this frame (re-reading from here reads it again). */
    long position() {
        return position;
    }

    /** The position right after this frame. */
    long end() {
        return end;
    }

    @Override
    public MessageHeader header() {
        return header;
    }

    @Override
    public int size() {
        return length;
    }

    @Override
    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return bytes[offset + index];
    }

    @Override
    public byte[] bytes() {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    @Override
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes, offset, length).slice().asReadOnlyBuffer();
    }

    @Override
    public String asString() {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new StreamException(StreamException.Kind.FORMAT, "payload of " + header.key() + " seq "
                    + header.seq() + " is not valid UTF-8 at byte " + (in.position() - offset), e);
        }
    }

    @Override
    public boolean isUtf8() {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, offset, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Override
    public Message slice(int from, int len) {
        Objects.checkFromIndexSize(from, len, length);
        return new FileMessage(header, bytes, offset + from, len, position, end);
    }

    @Override
    public Message withHeader(MessageHeader newHeader) {
        return new FileMessage(newHeader, bytes, offset, length, position, end);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message other && header.equals(other.header()) && buffer().equals(other.buffer());
    }

    @Override
    public int hashCode() {
        return header.hashCode() * 31 + buffer().hashCode();
    }

    @Override
    public String toString() {
        return header + " " + (isUtf8() ? asString() : "<" + length + " bytes>");
    }
}
