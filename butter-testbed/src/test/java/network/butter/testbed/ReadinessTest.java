package network.butter.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void shouldAskFourKnownHostsOfNinetyFivePercentOfTheNodesWithinAMinute() {
        assertThat(Readiness.forNodes(300)).isEqualTo(new Readiness(4, 0.95, Duration.ofSeconds(60)));
    }

    @Test
    void shouldAskNoMoreHostsThanANodeHasOthers() {
        assertThat(Readiness.forNodes(3).minKnownHosts()).isEqualTo(2);
    }

    @Test
    void shouldBeReadyOnlyWhenEnoughNodesKnowEnoughHosts() {
        Readiness readiness = Readiness.forNodes(100);
        int[] known = new int[20];
        java.util.Arrays.fill(known, 4);
        known[0] = 3;

        assertThat(readiness.met(known)).as("19 of 20 is 95 %").isTrue();
        known[1] = 0;
        assertThat(readiness.met(known)).as("18 of 20").isFalse();
        assertThat(readiness.describe(known)).isEqualTo("18/20 nodes know at least 4 hosts");
    }

    @Test
    void shouldNotCallAnEmptyNetworkReady() {
        assertThat(Readiness.forNodes(10).met(new int[0])).isFalse();
    }

    @Test
    void shouldRefuseAShareOutsideZeroToOne() {
        assertThatThrownBy(() -> new Readiness(4, 1.5, Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share");
    }

    @Test
    void shouldRecogniseTheOperatingSystemRefusingADescriptorThroughCauses() {
        Exception bind = new IllegalStateException("cannot listen on 127.0.0.1:0",
            new java.io.IOException("Too many open files"));

        assertThat(ClusterLimitException.isResourceLimit(bind)).isTrue();
        assertThat(ClusterLimitException.isResourceLimit(new IllegalStateException("port in use"))).isFalse();
    }
}
