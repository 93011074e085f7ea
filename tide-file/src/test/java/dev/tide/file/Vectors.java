package dev.tide.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The golden vectors (SeaStreamer-written files and ss-decode's outputs) in the test resources. */
final class Vectors {

    /** Every .ss vector, by base name. */
    static final List<String> ALL = List.of("consumer", "producer-api", "quicksort", "sample-1", "synthetic-interval128");

    /** The vectors that have a --header-only log output. */
    static final List<String> WITH_HEADER_ONLY = List.of("consumer", "quicksort", "sample-1", "synthetic-interval128");

    private Vectors() {
    }

    static byte[] bytes(String resource) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource vectors/" + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] ss(String name) {
        return bytes(name + ".ss");
    }

    static String text(String resource) {
        return new String(bytes(resource), StandardCharsets.UTF_8);
    }

    /** One decoded frame. */
    record Frame(long start, long end, String key, long shard, long seq, long ts, byte[] payload) {
    }

    /** Every frame of a complete file, in order (stops at the end of the bytes). */
    static List<Frame> frames(byte[] file) {
        SsReader r = new SsReader(ByteSource.of(file));
        List<Frame> out = new ArrayList<>();
        try {
            while (r.next() == SsReader.Status.FRAME) {
                out.add(new Frame(r.frameStart(), r.frameEnd(), r.key(), r.shard(), r.seq(), r.timestamp(),
                        r.payloadCopy()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static FileHeader header(byte[] file) {
        SsReader r = new SsReader(ByteSource.of(file));
        try {
            r.readHeader();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r.header();
    }

    /** Writes the frames as one writing session after the header: what SeaStreamer's MessageSink does. */
    static byte[] encode(FileHeader header, List<Frame> frames) {
        Bytes out = new Bytes(4096);
        out.put(header.encode());
        SsEncoder enc = new SsEncoder(header.beaconInterval(), Layout.HEADER_SIZE);
        enc.begin(out);
        for (Frame f : frames) {
            enc.append(out, new StreamShard(f.key(), f.shard()), f.seq(), f.ts(), f.payload(), 0, f.payload().length);
        }
        return out.toByteArray();
    }
}
