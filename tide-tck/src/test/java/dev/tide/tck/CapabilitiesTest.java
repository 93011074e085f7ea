package dev.tide.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tide.tck.Capabilities.Feature;
import java.time.Duration;
import java.util.EnumSet;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    @Test
    void allHasEveryFeatureAndNoneHasNone() {
        assertThat(Capabilities.all().features()).containsExactlyInAnyOrder(Feature.values());
        assertThat(Capabilities.all().firstSeq()).isEqualTo(OptionalLong.of(1));
        assertThat(Capabilities.none().features()).isEmpty();
        assertThat(Capabilities.none().firstSeq()).isEmpty();
        assertThat(Capabilities.none().timestampResolution()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void withAndWithoutReturnNewValues() {
        Capabilities base = Capabilities.none().with(Feature.REWIND, Feature.SHARDS);
        Capabilities less = base.without(Feature.SHARDS);

        assertThat(base.has(Feature.SHARDS)).isTrue();
        assertThat(base.hasAll(Feature.REWIND, Feature.SHARDS)).isTrue();
        assertThat(less.has(Feature.SHARDS)).isFalse();
        assertThat(less.has(Feature.REWIND)).isTrue();
        assertThat(less.without(Feature.REWIND).features()).isEmpty();
        assertThat(base.firstSeq(0).firstSeq()).hasValue(0);
        assertThat(base.firstSeq(0).noFixedFirstSeq().firstSeq()).isEmpty();
        assertThat(base.timestampResolution(Duration.ofSeconds(1)).timestampResolution()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theFeatureSetCannotBeChangedFromOutside() {
        EnumSet<Feature> set = EnumSet.of(Feature.REWIND);
        Capabilities caps = new Capabilities(set, OptionalLong.empty(), Duration.ofMillis(1));
        set.add(Feature.SHARDS);

        assertThat(caps.has(Feature.SHARDS)).isFalse();
        assertThatThrownBy(() -> caps.features().add(Feature.SHARDS)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theResolutionMustBePositive() {
        assertThatThrownBy(() -> Capabilities.none().timestampResolution(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    }
}
