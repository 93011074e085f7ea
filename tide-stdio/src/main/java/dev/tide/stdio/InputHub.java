package dev.tide.stdio;

import dev.tide.ConsumerGroup;
import dev.tide.Message;
import dev.tide.MessageHeader;
import dev.tide.SeqNo;
import dev.tide.ShardId;
import dev.tide.StreamException;
import dev.tide.StreamKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/*
 * One input stream (standard input, or an injected stream) and the consumers reading it.
 *
 * Sharing: every streamer of the process that reads the same InputStream object shares one hub (see
 * Hubs), so two connections never steal lines from each other, and sequence numbers and group
 * round-robin are per input, as SeaStreamer's process-wide ones are. A streamer holds a reference from
 * connect to close.
 *
 * Threads: one reader thread per hub (StdioThreads role "reader"), started by the first consumer. It cuts
 * the input into lines, parses them outside the lock, and dispatches under the lock. Output writers in
 * loopback mode dispatch printed messages through the same path. When the last reference is released the
 * reader is asked to stop (flag + interrupt); a read blocked on a real file descriptor cannot be
 * interrupted, so the thread then ends after its next read returns, and a streamer connecting in the
 * meantime takes the hub over instead of starting a second reader on the same stream.
 *
 * Lock: `lock` guards the consumer list, the sequence counters and the lifecycle fields. Under it the hub
 * only queues into mailboxes (never blocks); no I/O, no parsing. Lock order: Hubs.LOCK, then this lock.
 *
 * Dispatch (SeaStreamer's rules): a line without a key is a broadcast (key "broadcast", delivered to every
 * consumer); a keyed line goes to the consumers of that key. Ungrouped consumers each get a copy; grouped
 * ones get one copy per group, for member (seq mod n) of the group's matching members in creation order,
 * recomputed for every message. Missing parts: timestamp = the clock's now, shard 0, seq = the next
 * number of the (key, shard) counter, which starts at 0. Tide differs from SeaStreamer on explicit
 * sequence numbers: the next implicit one is explicit + 1 (SeaStreamer reuses the explicit number).
 */
final class InputHub {

    /**
     * How a hub reads. Streamers sharing a hub must agree on these.
     *
     * @param strict whether a malformed line ends the input for every consumer (FORMAT) instead of being
     *     reported and skipped
     * @param errors where skipped lines are reported
     * @param clock the time of lines without a timestamp
     * @param maxLineBytes the longest line accepted
     */
    record Settings(boolean strict, PrintStream errors, Clock clock, int maxLineBytes) {
    }

    /** The key of lines that name none. */
    static final StreamKey BROADCAST = StreamKey.of("broadcast");

    /** The longest part of a rejected line that is quoted in a report. */
    private static final int QUOTE_CHARS = 200;

    private record Counter(StreamKey key, ShardId shard) {
    }

    private final InputStream in;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock.
    private Settings settings;
    private int refs;
    private volatile boolean stopping;
    private Thread reader;
    private boolean readerDone;
    private StreamException end;
    private final List<StdioConsumer> consumers = new ArrayList<>();
    private final Map<Counter, Long> nextSeq = new HashMap<>();

    InputHub(InputStream in, Settings settings) {
        this.in = in;
        this.settings = settings;
        this.refs = 1;
    }

    InputStream stream() {
        return in;
    }

    /** The reader thread, if it was started. */
    Optional<Thread> readerThread() {
        lock.lock();
        try {
            return Optional.ofNullable(reader);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Lifecycle (called by Hubs under Hubs.LOCK)

    /**
     * Takes one more reference.
     *
     * @return false if this hub is finished and must be replaced by a new one
     * @throws StreamException INVALID_OPTION if the hub is in use with other settings
     */
    boolean retain(Settings wanted) {
        lock.lock();
        try {
            if (refs == 0) {
                if (reader == null || readerDone) {
                    return false;
                }
                // The reader is still blocked in a read after the last release: take it over. The new
                // settings apply from the next line on (the line-length limit stays the reader's).
                settings = wanted;
                stopping = false;
                refs = 1;
                return true;
            }
            if (!settings.equals(wanted)) {
                throw new StreamException(StreamException.Kind.INVALID_OPTION, "this input stream is already read by "
                        + "another stdio connection of this process with other settings (" + describe(settings)
                        + "); connections sharing an input must agree on stdio.strict, stdio.errors, stdio.clock and "
                        + "stdio.max-line-bytes");
            }
            refs++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops one reference.
     *
     * @return true if the hub can be forgotten now; false if it is still used or its reader still has to
     *     notice the stop request
     */
    boolean release() {
        lock.lock();
        try {
            if (--refs > 0) {
                return false;
            }
            if (reader == null || readerDone) {
                return true;
            }
            stopping = true;
            reader.interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Under Hubs.LOCK: whether a stop request still holds; if so the reader is marked done. */
    boolean confirmStop() {
        lock.lock();
        try {
            if (stopping && refs == 0) {
                readerDone = true;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Consumers

    /** Adds a consumer (after all existing ones) and starts the reader if it is the first. */
    void register(StdioConsumer consumer) {
        lock.lock();
        try {
            if (end != null) {
                consumer.mailbox().end(end);
                return;
            }
            consumers.add(consumer);
            if (reader == null) {
                reader = StdioThreads.start("reader", this::read);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes a consumer and closes its mailbox. A group member's unread messages go to the remaining
     * members of its group (member seq mod n again), so closing a member loses nothing the group could
     * still read.
     */
    void unregister(StdioConsumer consumer) {
        lock.lock();
        try {
            consumers.remove(consumer);
            List<Mailbox.Entry> left = consumer.mailbox().close();
            Optional<ConsumerGroup> group = consumer.group();
            if (group.isEmpty()) {
                return;
            }
            for (Mailbox.Entry e : left) {
                List<StdioConsumer> members = new ArrayList<>();
                for (StdioConsumer c : consumers) {
                    if (group.equals(c.group()) && c.matches(e.message().key(), e.broadcast())) {
                        members.add(c);
                    }
                }
                if (!members.isEmpty()) {
                    members.get(pick(e.message().seq(), members.size())).mailbox().put(e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Dispatch

    /** Dispatches a message printed by an output writer in loopback mode, with its printed header. */
    void dispatchPrinted(MessageHeader printed, byte[] payload) {
        route(Optional.of(printed.key()), printed.shard(), Optional.of(printed.seq()), Optional.of(printed.timestamp()),
                payload, 0, payload.length);
    }

    /** Dispatches a parsed input line. */
    void dispatch(ParsedLine.Parsed line, byte[] bytes) {
        route(line.key(), line.shard().orElse(ShardId.ZERO), line.seq(), line.timestamp(), bytes,
                line.payloadOffset(), line.payloadLength());
    }

    private void route(Optional<StreamKey> givenKey, ShardId shard, Optional<SeqNo> givenSeq, Optional<Instant> givenTime,
            byte[] bytes, int offset, int length) {
        StreamKey key = givenKey.orElse(BROADCAST);
        boolean broadcast = givenKey.isEmpty();
        lock.lock();
        try {
            Counter counter = new Counter(key, shard);
            long seq;
            if (givenSeq.isPresent()) {
                seq = givenSeq.get().value();
            } else {
                seq = nextSeq.getOrDefault(counter, 0L);
            }
            nextSeq.put(counter, seq + 1);
            Instant time = givenTime.orElseGet(() -> settings.clock().instant());
            Message message = Message.of(new MessageHeader(key, shard, SeqNo.of(seq), time), bytes, offset, length);
            Mailbox.Entry entry = new Mailbox.Entry(message, broadcast);
            Map<ConsumerGroup, List<StdioConsumer>> groups = null;
            for (StdioConsumer c : consumers) {
                if (!c.matches(key, broadcast)) {
                    continue;
                }
                Optional<ConsumerGroup> group = c.group();
                if (group.isEmpty()) {
                    c.mailbox().put(entry);
                } else {
                    if (groups == null) {
                        groups = new LinkedHashMap<>();
                    }
                    groups.computeIfAbsent(group.get(), g -> new ArrayList<>()).add(c);
                }
            }
            if (groups != null) {
                for (List<StdioConsumer> members : groups.values()) {
                    members.get(pick(message.seq(), members.size())).mailbox().put(entry);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** SeaStreamer's deterministic round-robin: member seq mod n, seq read as unsigned. */
    static int pick(SeqNo seq, int members) {
        return (int) Long.remainderUnsigned(seq.value(), members);
    }

    // ---------------------------------------------------------------------------------------------
    // The reader thread

    private void read() {
        Settings s;
        lock.lock();
        try {
            s = settings;
        } finally {
            lock.unlock();
        }
        LineSplitter splitter = new LineSplitter(s.maxLineBytes());
        LineSplitter.Sink sink = new LineSplitter.Sink() {
            @Override
            public boolean line(long number, byte[] line) {
                return onLine(number, line);
            }

            @Override
            public boolean overlong(long number, byte[] head, long length) {
                return onMalformed(number, "line too long: " + length + " bytes, at most "
                        + splitter.maxLength() + " are accepted (stdio.max-line-bytes)", quote(head) + "…");
            }
        };
        byte[] buf = new byte[16 * 1024];
        try {
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (InterruptedIOException e) {
                    if (stopNow()) {
                        return;
                    }
                    continue;
                }
                if (stopNow()) {
                    return;
                }
                if (n < 0) {
                    if (splitter.finish(sink)) {
                        finish(new StreamException(StreamException.Kind.ENDED,
                                "the stdio input has ended after " + splitter.lines() + " lines"));
                    }
                    return;
                }
                if (!splitter.feed(buf, 0, n, sink)) {
                    return;
                }
            }
        } catch (IOException e) {
            if (!stopNow()) {
                finish(new StreamException(StreamException.Kind.IO,
                        "reading the stdio input failed after " + splitter.lines() + " lines: " + e.getMessage(), e));
            }
        } catch (RuntimeException | Error e) {
            finish(new StreamException(StreamException.Kind.BACKEND,
                    "the stdio reader failed after " + splitter.lines() + " lines: " + e, e));
            throw e;
        }
    }

    /** Whether the reader must stop now; clears a stale interrupt otherwise. */
    private boolean stopNow() {
        Thread.interrupted();
        return stopping && Hubs.confirmStop(this);
    }

    private boolean onLine(long number, byte[] line) {
        ParsedLine parsed = LineParser.parse(line, 0, line.length);
        return switch (parsed) {
            case ParsedLine.Parsed p -> {
                dispatch(p, line);
                yield true;
            }
            case ParsedLine.Malformed m -> onMalformed(number, m.reason(), quote(line));
        };
    }

    /** Reports and skips a rejected line, or in strict mode ends the input with FORMAT. */
    private boolean onMalformed(long number, String reason, String text) {
        Settings s;
        lock.lock();
        try {
            s = settings;
        } finally {
            lock.unlock();
        }
        if (s.strict()) {
            finish(new StreamException(StreamException.Kind.FORMAT,
                    "stdio input line " + number + ": " + reason + ": " + text));
            return false;
        }
        s.errors().println("tide stdio: line " + number + ": " + reason + ": " + text + " (skipped)");
        return true;
    }

    /** Ends every present and future consumer's reading with {@code cause}, after what is queued. */
    private void finish(StreamException cause) {
        lock.lock();
        try {
            end = cause;
            readerDone = true;
            for (StdioConsumer c : consumers) {
                c.mailbox().end(cause);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A rejected line as one line of text: lossy UTF-8, control characters escaped, long lines cut. */
    static String quote(byte[] line) {
        String s = new String(line, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(Math.min(s.length(), QUOTE_CHARS) + 16);
        int i = 0;
        for (; i < s.length() && i < QUOTE_CHARS; i++) {
            char c = s.charAt(i);
            if (c == '\t' || !Character.isISOControl(c)) {
                sb.append(c);
            } else if (c == '\r') {
                sb.append("\\r");
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        if (i < s.length()) {
            sb.append("… (").append(line.length).append(" bytes)");
        }
        return sb.toString();
    }

    private static String describe(Settings s) {
        return "strict=" + s.strict() + ", max-line-bytes=" + s.maxLineBytes() + ", clock=" + s.clock();
    }
}
