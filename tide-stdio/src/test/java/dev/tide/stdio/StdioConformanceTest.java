package dev.tide.stdio;

import dev.tide.ConnectOptions;
import dev.tide.Streamer;
import dev.tide.tck.AbstractStreamerConformanceTest;
import dev.tide.tck.Capabilities;
import dev.tide.tck.Capabilities.Feature;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The conformance suite on stdio in loopback mode: printed lines come back to the connection's consumers.
 * Each test gets its own input (which stays open, so consumers never end), output and error streams; all
 * connections of a test share them, and so share one reader and one writer, as connections to the real
 * standard streams of a process do.
 *
 * <p>What stdio lacks: storage (no replay, no persistence, no seek or rewind, no resumable consumers, no
 * redelivery of read messages to another group member), shards other than 0, and binary payloads (lines
 * are UTF-8 text without line breaks). Timestamps are printed in whole seconds.
 */
class StdioConformanceTest extends AbstractStreamerConformanceTest {

    private final TestInput input = new TestInput();
    private final TestOutput output = new TestOutput();
    private final PrintStream errors = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Override
    protected Streamer connect() {
        return Streamer.connect("stdio:///", ConnectOptions.defaults()
                .with(StdioOptions.LOOPBACK, true)
                .with(StdioOptions.INPUT, input)
                .with(StdioOptions.OUTPUT, output)
                .with(StdioOptions.ERRORS, errors));
    }

    @Override
    protected Capabilities capabilities() {
        return Capabilities.none()
                .with(Feature.LATEST_START, Feature.REAL_RECEIPTS, Feature.CONTIGUOUS_SEQ, Feature.LOAD_BALANCED,
                        Feature.GROUP_ROUND_ROBIN_BY_SEQ, Feature.REJECTS_UNKNOWN_OPTIONS)
                .firstSeq(0)
                .timestampResolution(Duration.ofSeconds(1));
    }
}
