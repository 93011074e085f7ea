package dev.tide.file;

import dev.tide.ConnectOptions;
import dev.tide.StreamException;
import dev.tide.StreamUrl;
import dev.tide.Streamer;
import dev.tide.spi.StreamerProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code file://} backend: streams in a SeaStreamer-compatible {@code .ss} file.
 * {@code file:///var/data/x.ss/a,b} is the file {@code /var/data/x.ss} with default streams {@code a}
 * and {@code b} (the last {@code /} separates the keys, so a URL without keys ends with {@code /}:
 * {@code file:///var/data/x.ss/}); a relative path ({@code file://data/x.ss/a}) is resolved against
 * the working directory. Options: {@link FileOptions}. Registered with {@link java.util.ServiceLoader};
 * public only for it.
 */
public final class FileStreamerProvider implements StreamerProvider {

    /** Creates the provider (the service loader does). */
    public FileStreamerProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    /**
     * Opens the file (creating it as {@link FileOptions#CREATE} says) and checks its header.
     *
     * @throws StreamException {@link StreamException.Kind#INVALID_URI} for a URL naming no file or
     *     several, {@link StreamException.Kind#CONNECT} if the file is missing (or, with
     *     {@link FileOptions.CreateMode#ONLY}, present), {@link StreamException.Kind#FORMAT} if it is
     *     not a {@code .ss} file, {@link StreamException.Kind#INVALID_OPTION} for a bad option,
     *     {@link StreamException.Kind#IO} on an I/O error
     */
    @Override
    public Streamer connect(StreamUrl url, ConnectOptions options) {
        for (String name : options.names()) {
            if (name.startsWith("file.") && !FileOptions.CONNECT_NAMES.contains(name)) {
                throw new StreamException(StreamException.Kind.INVALID_OPTION, "unknown connect option " + name
                        + "; the file backend's connect options are " + new TreeSet<>(FileOptions.CONNECT_NAMES));
            }
        }
        List<String> nodes = url.streamer().nodeTexts();
        if (nodes.size() != 1 || url.streamer().isLocal()) {
            throw new StreamException(StreamException.Kind.INVALID_URI, "a file:// URL names exactly one file, as in"
                    + " file:///path/to/file.ss/stream: " + url);
        }
        Path path;
        try {
            path = Path.of(nodes.get(0));
        } catch (InvalidPathException e) {
            throw new StreamException(StreamException.Kind.INVALID_URI, "not a file path: " + nodes.get(0), e);
        }
        FileOptions.CreateMode create = options.get(FileOptions.CREATE);
        int interval = options.get(FileOptions.BEACON_INTERVAL);
        if (interval <= 0 || interval % 1024 != 0) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION,
                    "file.beacon-interval must be a positive multiple of 1024 bytes: " + interval);
        }
        if (options.get(FileOptions.SIZE_LIMIT) < Layout.HEADER_SIZE) {
            throw new StreamException(StreamException.Kind.INVALID_OPTION,
                    "file.size-limit must be at least the 128-byte header: " + options.get(FileOptions.SIZE_LIMIT));
        }
        Clock clock = options.get(FileOptions.CLOCK);
        if (create != FileOptions.CreateMode.MUST_EXIST) {
            try {
                createFile(path, clock, interval);
            } catch (FileAlreadyExistsException e) {
                if (create == FileOptions.CreateMode.ONLY) {
                    throw new StreamException(StreamException.Kind.CONNECT, path + " already exists (file.create=only)", e);
                }
            } catch (IOException e) {
                throw new StreamException(StreamException.Kind.IO, "cannot create " + path + ": " + e, e);
            }
        }
        FileHeader header = openHeader(path, clock, interval);
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new StreamException(StreamException.Kind.IO, "cannot resolve " + path + ": " + e, e);
        }
        return new FileStreamer(url, SharedFile.acquire(real, header), options);
    }

    private static void createFile(Path path, Clock clock, int interval) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeHeader(ch, path, clock, interval);
        }
    }

    private static void writeHeader(FileChannel ch, Path path, Clock clock, int interval) throws IOException {
        Path name = path.getFileName();
        byte[] h = FileHeader.create(name == null ? "" : name.toString(), clock.millis(), interval).encode();
        ByteBuffer bb = ByteBuffer.wrap(h);
        long p = 0;
        while (bb.hasRemaining()) {
            p += ch.write(bb, p);
        }
    }

    private static FileHeader openHeader(Path path, Clock clock, int interval) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() == 0) {
                try (FileChannel w = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    writeHeader(w, path, clock, interval); // an empty file (`touch x.ss`) becomes a .ss file
                }
            }
            SsReader r = new SsReader(ByteSource.of(ch));
            if (r.readHeader() != SsReader.Status.FRAME) {
                throw new StreamException(StreamException.Kind.FORMAT, path + " is not a .ss file: it is "
                        + ch.size() + " bytes, shorter than the 128-byte header");
            }
            return r.header();
        } catch (SsFormatException e) {
            throw new StreamException(StreamException.Kind.FORMAT, path + " is not a .ss file (byte offset "
                    + e.offset() + ": " + e.problem() + ")", e);
        } catch (NoSuchFileException e) {
            throw new StreamException(StreamException.Kind.CONNECT, "no such file: " + path
                    + " (set file.create=if-missing to create it)", e);
        } catch (IOException e) {
            throw new StreamException(StreamException.Kind.IO, "cannot open " + path + ": " + e, e);
        }
    }
}
