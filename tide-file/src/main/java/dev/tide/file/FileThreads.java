package dev.tide.file;

import java.util.concurrent.ThreadFactory;

/** The module's one thread factory: named virtual threads ({@code tide-file-<n>}). */
final class FileThreads {

    private static final ThreadFactory FACTORY = Thread.ofVirtual().name("tide-file-", 0).factory();

    private FileThreads() {
    }

    static Thread start(Runnable task) {
        Thread t = FACTORY.newThread(task);
        t.start();
        return t;
    }
}
