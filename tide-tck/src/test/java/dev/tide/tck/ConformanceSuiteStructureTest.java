package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Guards the shape of the suite: every scenario family is run through a {@link Nested} class of
 * {@link AbstractStreamerConformanceTest}, so a family added without one cannot silently drop out of every
 * backend's run.
 */
class ConformanceSuiteStructureTest {

    @Test
    void everyScenarioFamilyIsANestedClassOfTheSuite() {
        List<Class<?>> families = ReflectionSupport.findAllClassesInPackage("dev.tide.tck",
                c -> Scenarios.class.isAssignableFrom(c) && c != Scenarios.class && c.getEnclosingClass() == null,
                name -> true);
        List<Class<?>> nested = Arrays.stream(AbstractStreamerConformanceTest.class.getDeclaredClasses())
                .filter(c -> Scenarios.class.isAssignableFrom(c))
                .toList();

        assertThat(families).hasSizeGreaterThanOrEqualTo(8);
        List<Class<?>> run = nested.stream().<Class<?>>map(Class::getSuperclass).toList();
        assertThat(run).containsExactlyInAnyOrderElementsOf(families);
        assertThat(nested).allSatisfy(c -> {
            assertThat(c.isAnnotationPresent(Nested.class)).as("%s is @Nested", c.getSimpleName()).isTrue();
            assertThat(Modifier.isStatic(c.getModifiers())).as("%s is an inner class", c.getSimpleName()).isFalse();
        });
        assertThat(families).allSatisfy(c -> assertThat(Modifier.isAbstract(c.getModifiers()))
                .as("%s is abstract (it runs only through the suite)", c.getSimpleName()).isTrue());
    }
}
