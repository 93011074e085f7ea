package dev.tide.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestEngine;

/**
 * The Reactive Streams TCK classes are TestNG tests: without the TestNG engine on the JUnit Platform,
 * surefire would skip them without a word. This test fails instead.
 */
class TckRunsOnTheJUnitPlatformTest {

    @Test
    void theTestNgEngineIsRegistered() {
        List<String> engines = new ArrayList<>();
        for (TestEngine engine : ServiceLoader.load(TestEngine.class)) {
            engines.add(engine.getId());
        }
        assertThat(engines).contains("junit-jupiter", "testng");
    }
}
