package dev.tide;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** A header plus a range of a shared byte array. The array is never written to. */
final class SharedMessage implements Message {

    private final MessageHeader header;
    private final byte[] bytes;
    private final int offset;
    private final int length;

    SharedMessage(MessageHeader header, byte[] bytes, int offset, int length) {
        this.header = Objects.requireNonNull(header, "header");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        this.offset = offset;
        this.length = length;
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
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new StreamException(StreamException.Kind.FORMAT, "payload of " + header.key() + " seq "
                    + header.seq() + " is not valid UTF-8 at byte " + (in.position() - offset), e);
        }
    }

    @Override
    public boolean isUtf8() {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            decoder.decode(ByteBuffer.wrap(bytes, offset, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Override
    public Message slice(int from, int len) {
        Objects.checkFromIndexSize(from, len, length);
        return new SharedMessage(header, bytes, offset + from, len);
    }

    @Override
    public Message withHeader(MessageHeader newHeader) {
        return new SharedMessage(newHeader, bytes, offset, length);
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
