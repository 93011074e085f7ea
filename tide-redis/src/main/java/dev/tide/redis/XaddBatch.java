package dev.tide.redis;

import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.CompleteableCommand;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A batch of {@link XaddCommand}s that travels through Lettuce as one command and reaches the channel as
 * one write.
 *
 * <p>Why: Lettuce's endpoint writes every command of a dispatched collection to the Netty channel on its
 * own (a write task, a promise and a listener each, then an encoder buffer each on the I/O thread), and
 * with a command timeout it starts a timer per command. A batch is one command to the endpoint (one
 * write, one timer); {@link Unpack}, the last handler of every channel of the backend (so the first to see
 * a write), hands the channel its list of commands instead, which Lettuce's {@code CommandHandler} takes
 * as a batch: every command goes on its stack, gets its own reply, and the encoder writes them all into
 * one buffer.
 *
 * <p>Completion: the batch is done when every command is. Failing the batch (a lost connection, the
 * command timeout) fails every command not yet done. The {@link CompleteableCommand} callbacks (Lettuce's
 * timeout timer registers one to cancel itself) run once, when the batch is done.
 */
final class XaddBatch implements RedisCommand<String, byte[], Void>, CompleteableCommand<Void> {

    private final ArrayList<XaddCommand> commands;
    private final AtomicInteger open;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<BiConsumer<? super Void, Throwable>> callbacks = new ArrayList<>(1);
    private final AtomicInteger finished = new AtomicInteger();
    private volatile Throwable failure;

    /** Takes the commands; the list must not change afterwards. */
    XaddBatch(ArrayList<XaddCommand> commands) {
        this.commands = commands;
        this.open = new AtomicInteger(commands.size());
        for (XaddCommand c : commands) {
            c.batch(this);
        }
    }

    int size() {
        return commands.size();
    }

    /** One command is done; the last one ends the batch. */
    void ended() {
        if (open.decrementAndGet() == 0) {
            finish(null);
        }
    }

    private void finish(Throwable error) {
        if (!finished.compareAndSet(0, 1)) {
            return;
        }
        List<BiConsumer<? super Void, Throwable>> run;
        lock.lock();
        try {
            run = List.copyOf(callbacks);
        } finally {
            lock.unlock();
        }
        for (BiConsumer<? super Void, Throwable> c : run) {
            c.accept(null, error);
        }
    }

    @Override
    public void onComplete(Consumer<? super Void> action) {
        onComplete((v, e) -> {
            if (e == null) {
                action.accept(v);
            }
        });
    }

    @Override
    public void onComplete(BiConsumer<? super Void, Throwable> action) {
        // Registered by Lettuce (the timeout writer) before the batch is written.
        lock.lock();
        try {
            if (finished.get() == 0) {
                callbacks.add(action);
                return;
            }
        } finally {
            lock.unlock();
        }
        action.accept(null, failure);
    }

    @Override
    public CommandOutput<String, byte[], Void> getOutput() {
        return null;
    }

    /** A batch is never answered itself: its commands are. */
    @Override
    public void complete() {
    }

    @Override
    public boolean completeExceptionally(Throwable throwable) {
        failure = throwable;
        boolean any = false;
        for (XaddCommand c : commands) {
            any |= c.completeExceptionally(throwable);
        }
        return any;
    }

    @Override
    public void cancel() {
        CancellationException e = new CancellationException("XADD batch cancelled");
        failure = e;
        for (XaddCommand c : commands) {
            c.completeExceptionally(e);
        }
    }

    @Override
    public CommandArgs<String, byte[]> getArgs() {
        return null;
    }

    @Override
    public ProtocolKeyword getType() {
        return CommandType.XADD;
    }

    /**
     * Reached only if {@link Unpack} is missing from the channel: a batch cannot go on Lettuce's stack
     * as one command (it has one reply per XADD), so it refuses to be encoded and fails.
     */
    @Override
    public void encode(ByteBuf buf) {
        throw new IllegalStateException("an XADD batch must be unpacked before encoding (Unpack handler missing)");
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public boolean isDone() {
        return open.get() == 0;
    }

    @Override
    public void setOutput(CommandOutput<String, byte[], Void> output) {
        throw new UnsupportedOperationException("an XADD batch has no output");
    }

    @Override
    public String toString() {
        return "XADD batch of " + commands.size();
    }

    /**
     * The outbound handler that turns an {@link XaddBatch} into the list of its commands; everything else
     * passes unchanged. Added last to every channel (see {@link RedisBackend}), so it sees writes first.
     */
    @ChannelHandler.Sharable
    static final class Unpack extends ChannelOutboundHandlerAdapter {

        static final Unpack INSTANCE = new Unpack();

        private Unpack() {
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof XaddBatch batch) {
                ctx.write(batch.commands, promise);
                return;
            }
            ctx.write(msg, promise);
        }
    }
}
