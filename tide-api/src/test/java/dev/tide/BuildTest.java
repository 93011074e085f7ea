package dev.tide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The build compiles for Java 21 and runs the tests on a JDK 21 or newer, whatever the default java is. */
class BuildTest {

    @Test
    void testsRunOnJava21OrNewer() {
        assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(21);
    }

    @Test
    void classesTargetJava21() throws IOException {
        try (InputStream in = StreamKey.class.getResourceAsStream("StreamKey.class");
             DataInputStream data = new DataInputStream(in)) {
            assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
            data.readUnsignedShort();
            assertThat(data.readUnsignedShort()).as("class file major version").isEqualTo(65);
        }
    }
}
