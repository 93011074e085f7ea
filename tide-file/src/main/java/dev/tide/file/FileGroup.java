package dev.tide.file;

import dev.tide.StreamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * A load-balanced group of consumers of one file in this process: one reader thread for the group;
 * each message goes to one member, {@code members[seq % n]} over the members that read its stream in
 * join order (SeaStreamer's rule: deterministic, so a group splits a stream evenly). A member that
 * closes hands its unread and uncommitted messages to the others (put in front of their queues).
 * Commits go to the group's {@link CommitStore}, so a group created again (after a restart) resumes
 * after them.
 *
 * <p>Thread-safe: {@code lock} guards the member list; messages are put into queues outside it.
 * {@code control} serialises starting, stopping and repositioning the reader (it is held while the
 * reader thread is joined).
 */
final class FileGroup implements ReaderTask.Sink {

    private final SharedFile file;
    private final String name;
    private final Set<String> keys;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock control = new ReentrantLock();
    private final List<FileConsumer> members = new ArrayList<>();
    private ReaderTask reader;
    private boolean dead;

    FileGroup(SharedFile file, String name, Set<String> keys) {
        this.file = file;
        this.name = name;
        this.keys = keys;
    }

    String name() {
        return name;
    }

    /** The keys the group reads (null: every stream). */
    Set<String> keys() {
        return keys;
    }

    /**
     * Adds a member.
     *
     * @return false if the group has just lost its last member and must not be used
     */
    boolean join(FileConsumer c) {
        lock.lock();
        try {
            if (dead) {
                return false;
            }
            members.add(c);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Starts the group's reader (by its first member). */
    void start(ReaderTask task) {
        control.lock();
        try {
            reader = task.start();
        } finally {
            control.unlock();
        }
    }

    @Override
    public boolean deliver(FileMessage m) {
        while (true) {
            FileConsumer target;
            lock.lock();
            try {
                List<FileConsumer> eligible = new ArrayList<>(members.size());
                for (FileConsumer c : members) {
                    if (c.reads(m.header().key().name())) {
                        eligible.add(c);
                    }
                }
                if (eligible.isEmpty()) {
                    return !members.isEmpty();
                }
                target = eligible.get((int) Long.remainderUnsigned(m.header().seq().value(), eligible.size()));
            } finally {
                lock.unlock();
            }
            if (target.queue().put(m)) {
                return true;
            }
            if (target.queue().isRefusing()) {
                return false; // the reader is being stopped
            }
            // the member closed meanwhile: choose again among the others
        }
    }

    @Override
    public void finish(StreamException e) {
        for (FileConsumer c : snapshot()) {
            c.queue().finish(e);
        }
    }

    private List<FileConsumer> snapshot() {
        lock.lock();
        try {
            return new ArrayList<>(members);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes a member; its unread and uncommitted messages go to the remaining members. The last member
     * to leave stops the reader.
     */
    void leave(FileConsumer c, List<FileMessage> leftovers) {
        List<FileConsumer> rest;
        lock.lock();
        try {
            members.remove(c);
            rest = new ArrayList<>(members);
            if (rest.isEmpty()) {
                dead = true;
            }
        } finally {
            lock.unlock();
        }
        if (rest.isEmpty()) {
            file.removeGroup(name, this);
            control.lock();
            try {
                if (reader != null) {
                    reader.stop();
                    reader = null;
                }
            } finally {
                control.unlock();
            }
            return;
        }
        List<List<FileMessage>> shares = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            shares.add(new ArrayList<>());
        }
        for (FileMessage m : leftovers) {
            List<FileConsumer> eligible = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < rest.size(); i++) {
                if (rest.get(i).reads(m.header().key().name())) {
                    eligible.add(rest.get(i));
                    at.add(i);
                }
            }
            if (!eligible.isEmpty()) {
                shares.get(at.get((int) Long.remainderUnsigned(m.header().seq().value(), eligible.size()))).add(m);
            }
        }
        for (int i = 0; i < rest.size(); i++) {
            if (!shares.get(i).isEmpty()) {
                rest.get(i).queue().putFirst(shares.get(i));
            }
        }
    }

    /**
     * Repositions the whole group: stops the reader, drops what the members have not taken, and starts
     * again from the gates {@code reposition} computes from the current position.
     */
    void reposition(LongFunction<ReaderTask> reposition) {
        control.lock();
        try {
            List<FileConsumer> all = snapshot();
            all.forEach(c -> c.queue().refusePuts(true));
            long current = Long.MAX_VALUE;
            if (reader != null) {
                reader.stop();
                current = reader.resumePosition();
            }
            for (FileConsumer c : all) {
                for (FileMessage m : c.queue().drain()) {
                    current = Math.min(current, m.position());
                }
                c.queue().refusePuts(false);
            }
            reader = reposition.apply(current == Long.MAX_VALUE ? Layout.HEADER_SIZE : current).start();
        } finally {
            control.unlock();
        }
    }
}
