package dev.tide.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;

/**
 * One {@code XADD key * <field> <payload>} of a producer, as a lean Lettuce command that is its own
 * output: it writes its RESP straight into Lettuce's buffer (the key and field part pre-encoded once per
 * key, see {@link #prefix}), parses the entry id of the reply from the reply's bytes, and reports to
 * its {@link Listener} exactly once: the id, the server's error reply, or why it failed without one
 * (connection lost, timeout, cancelled). No argument list, future or promise of its own.
 *
 * <p>Lettuce's {@code CommandHandler} gives every command on its stack one reply, in order; this class
 * relies on nothing else. Commands are written in {@link XaddBatch}es (one channel write per batch).
 * Completion may race (a timeout on a timer thread against the reply on the I/O thread): a CAS on
 * {@link #state} lets exactly one win.
 */
final class XaddCommand extends CommandOutput<String, byte[], Void> implements RedisCommand<String, byte[], Void> {

    /** Receives the outcome of a command, on a Lettuce thread. */
    interface Listener {

        /** The server stored the entry with id {@code ms-n}. */
        void stored(XaddCommand command, long ms, long n);

        /** The command failed: an error reply ({@link RedisCommandExecutionException}) or no reply. */
        void failed(XaddCommand command, Throwable error);
    }

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(XaddCommand.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int OPEN = 0;
    private static final int DONE = 1;
    private static final int CANCELLED = 2;

    private static final byte[] CRLF = {'\r', '\n'};

    /** What the producer sends; opaque here. */
    final Object send;
    /** Dispatch number, for re-sending in order. */
    final long number;
    private final byte[] prefix;
    private final byte[] payload;
    private final Listener listener;
    private XaddBatch batch;
    private volatile int state;
    private long ms = -1;
    private long n = -1;
    private boolean parsedUnsigned;

    /**
     * @param send what the listener needs to finish the send
     * @param number the dispatch number
     * @param prefix {@link #prefix(String, String)} of the key and field
     * @param payload the payload
     * @param listener receives the outcome
     */
    XaddCommand(Object send, long number, byte[] prefix, byte[] payload, Listener listener) {
        super(RedisBackend.CODEC, null);
        this.send = send;
        this.number = number;
        this.prefix = prefix;
        this.payload = payload;
        this.listener = listener;
    }

    /**
     * The constant start of {@code XADD key * field payload} in RESP, up to the payload's length:
     * {@code *5 $4 XADD $len key $1 * $len field}.
     */
    static byte[] prefix(String key, String field) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] f = field.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(32 + k.length + f.length);
        out.writeBytes("*5\r\n$4\r\nXADD\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(("$" + k.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(k);
        out.writeBytes("\r\n$1\r\n*\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(("$" + f.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(f);
        out.writeBytes(CRLF);
        return out.toByteArray();
    }

    void batch(XaddBatch batch) {
        this.batch = batch;
    }

    // ------------------------------------------------------------------ RedisCommand

    @Override
    public void encode(ByteBuf buf) {
        buf.writeBytes(prefix);
        buf.writeByte('$');
        writeDecimal(buf, payload.length);
        buf.writeBytes(CRLF);
        buf.writeBytes(payload);
        buf.writeBytes(CRLF);
    }

    private static void writeDecimal(ByteBuf buf, int value) {
        if (value < 10) {
            buf.writeByte('0' + value);
            return;
        }
        int digits = 1;
        for (int v = value / 10; v > 0; v /= 10) {
            digits++;
        }
        int at = buf.writerIndex();
        buf.ensureWritable(digits);
        for (int i = digits - 1; i >= 0; i--) {
            buf.setByte(at + i, '0' + value % 10);
            value /= 10;
        }
        buf.writerIndex(at + digits);
    }

    @Override
    public CommandOutput<String, byte[], Void> getOutput() {
        return this;
    }

    @Override
    public void complete() {
        if (!STATE.compareAndSet(this, OPEN, DONE)) {
            return;
        }
        try {
            if (error != null) {
                listener.failed(this, new RedisCommandExecutionException(error));
            } else if (ms < 0 && !parsedUnsigned) {
                listener.failed(this, new RedisCommandExecutionException("unexpected reply to XADD: no entry id"));
            } else {
                listener.stored(this, ms, n);
            }
        } finally {
            ended();
        }
    }

    @Override
    public boolean completeExceptionally(Throwable throwable) {
        if (!STATE.compareAndSet(this, OPEN, DONE)) {
            return false;
        }
        try {
            listener.failed(this, throwable);
        } finally {
            ended();
        }
        return true;
    }

    @Override
    public void cancel() {
        if (!STATE.compareAndSet(this, OPEN, CANCELLED)) {
            return;
        }
        try {
            listener.failed(this, new CancellationException("XADD cancelled" + (error != null ? ": " + error : "")));
        } finally {
            ended();
        }
    }

    private void ended() {
        XaddBatch b = batch;
        if (b != null) {
            b.ended();
        }
    }

    /** No argument list: {@link #encode} writes the command itself. */
    @Override
    public CommandArgs<String, byte[]> getArgs() {
        return null;
    }

    @Override
    public ProtocolKeyword getType() {
        return CommandType.XADD;
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public boolean isDone() {
        return state != OPEN;
    }

    /** This command is its own output. */
    @Override
    public void setOutput(CommandOutput<String, byte[], Void> output) {
        throw new UnsupportedOperationException("an XADD command is its own output");
    }

    // ------------------------------------------------------------------ CommandOutput

    /** The reply: the entry id {@code ms-n} as a bulk string. */
    @Override
    public void set(ByteBuffer bytes) {
        if (bytes == null) {
            return;
        }
        int length = bytes.remaining();
        if (length > 40) {
            slowParse(bytes);
            return;
        }
        byte[] text = new byte[length];
        bytes.get(bytes.position(), text);
        long a = 0;
        long b = 0;
        boolean second = false;
        int digits = 0;
        for (byte c : text) {
            if (c == '-' && !second && digits > 0) {
                second = true;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 18) {
                if (second) {
                    b = b * 10 + (c - '0');
                } else {
                    a = a * 10 + (c - '0');
                }
                digits++;
            } else {
                slowParse(bytes);
                return;
            }
        }
        if (digits == 0) {
            slowParse(bytes);
            return;
        }
        ms = a;
        n = b;
    }

    /** Ids with very long parts (unsigned 64-bit), or anything unexpected. */
    private void slowParse(ByteBuffer bytes) {
        String text = StandardCharsets.US_ASCII.decode(bytes.duplicate()).toString();
        try {
            EntryId id = EntryId.parse(text);
            ms = id.ms();
            n = id.n();
            parsedUnsigned = true;
        } catch (RuntimeException e) {
            error = "unexpected reply to XADD: " + text;
        }
    }

    /**
     * Lettuce keeps its stack of commands in a hash-indexed queue: the dispatch number is a cheaper hash
     * than an identity hash (first use of which is slow), and consecutive numbers fill consecutive slots
     * of the table (no collisions, few cache misses). Equality stays identity.
     */
    @Override
    public int hashCode() {
        return (int) number;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public String toString() {
        return "XADD #" + number;
    }
}
