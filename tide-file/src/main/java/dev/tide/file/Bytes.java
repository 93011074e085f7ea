package dev.tide.file;

import java.util.Arrays;

/** A growable big-endian byte buffer: the writer's staging area. Not thread-safe. */
final class Bytes {

    private byte[] array;
    private int length;

    Bytes(int capacity) {
        array = new byte[Math.max(16, capacity)];
    }

    int length() {
        return length;
    }

    byte[] array() {
        return array;
    }

    void clear() {
        length = 0;
    }

    /** Forgets everything after the first {@code newLength} bytes. */
    void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IndexOutOfBoundsException("cannot truncate " + length + " bytes to " + newLength);
        }
        length = newLength;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(array, length);
    }

    private void ensure(int more) {
        int need = length + more;
        if (need < 0) {
            throw new OutOfMemoryError("buffer would exceed 2 GiB");
        }
        if (need > array.length) {
            array = Arrays.copyOf(array, Math.max(need, (int) Math.min(Integer.MAX_VALUE - 8, array.length * 2L)));
        }
    }

    /**
     * Makes room for {@code n} more bytes and counts them as written; the caller fills them.
     *
     * @return the index of the first of them in {@link #array()} (valid until the next growth)
     */
    int reserve(int n) {
        ensure(n);
        int at = length;
        length += n;
        return at;
    }

    Bytes put(int b) {
        ensure(1);
        array[length++] = (byte) b;
        return this;
    }

    Bytes putShort(int v) {
        ensure(2);
        array[length++] = (byte) (v >>> 8);
        array[length++] = (byte) v;
        return this;
    }

    Bytes putInt(int v) {
        ensure(4);
        array[length++] = (byte) (v >>> 24);
        array[length++] = (byte) (v >>> 16);
        array[length++] = (byte) (v >>> 8);
        array[length++] = (byte) v;
        return this;
    }

    Bytes putLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            array[length++] = (byte) (v >>> shift);
        }
        return this;
    }

    Bytes put(byte[] bytes, int offset, int len) {
        ensure(len);
        System.arraycopy(bytes, offset, array, length, len);
        length += len;
        return this;
    }

    Bytes put(byte[] bytes) {
        return put(bytes, 0, bytes.length);
    }

    static int getInt(byte[] a, int i) {
        return ((a[i] & 0xFF) << 24) | ((a[i + 1] & 0xFF) << 16) | ((a[i + 2] & 0xFF) << 8) | (a[i + 3] & 0xFF);
    }

    static long getLong(byte[] a, int i) {
        return ((long) getInt(a, i) << 32) | (getInt(a, i + 4) & 0xFFFFFFFFL);
    }

    static int getShort(byte[] a, int i) {
        return ((a[i] & 0xFF) << 8) | (a[i + 1] & 0xFF);
    }
}
