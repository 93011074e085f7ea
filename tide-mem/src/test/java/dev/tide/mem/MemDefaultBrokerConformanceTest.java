package dev.tide.mem;

import dev.tide.Streamer;
import dev.tide.tck.AbstractStreamerConformanceTest;
import dev.tide.tck.Capabilities;

/** The conformance suite on the process-wide default broker ({@code mem:///}) with the system clock. */
class MemDefaultBrokerConformanceTest extends AbstractStreamerConformanceTest {

    @Override
    protected Streamer connect() {
        return Streamer.connect("mem:///");
    }

    @Override
    protected Capabilities capabilities() {
        return Capabilities.all().without(Capabilities.Feature.GROUP_ROUND_ROBIN_BY_SEQ);
    }
}
