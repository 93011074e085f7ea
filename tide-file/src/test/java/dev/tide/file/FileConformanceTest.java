package dev.tide.file;

import dev.tide.ConnectOptions;
import dev.tide.Streamer;
import dev.tide.tck.AbstractStreamerConformanceTest;
import dev.tide.tck.Capabilities;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite on a fresh {@code .ss} file per test, with 1 KiB beacons so that seeks and
 * rewinds go through the beacon survey. The file backend has every feature of the suite.
 */
class FileConformanceTest extends AbstractStreamerConformanceTest {

    @TempDir
    Path dir;

    @Override
    protected Streamer connect() {
        return Streamer.connect("file://" + dir.resolve("tck.ss") + "/", ConnectOptions.defaults()
                .with(FileOptions.CREATE, FileOptions.CreateMode.IF_MISSING)
                .with(FileOptions.BEACON_INTERVAL, 1024)
                .with(FileOptions.COMMIT_SYNC, false));
    }

    @Override
    protected Capabilities capabilities() {
        return Capabilities.all().timestampResolution(Duration.ofMillis(1)); // the file stores milliseconds
    }
}
