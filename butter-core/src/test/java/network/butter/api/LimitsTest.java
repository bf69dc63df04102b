package network.butter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void shouldDeriveDefaultsFromA512MebibyteBudget() {
        Limits limits = Limits.defaults();
        assertThat(limits.maxFrameBytes()).isEqualTo(1024 * 1024);
        assertThat(limits.maxConnections()).isEqualTo(120);
        assertThat(limits.maxConcurrentHandlers()).isEqualTo(64);
        assertThat(limits.maxInFlightPerPeer()).isEqualTo(64);
    }

    @Test
    void shouldGiveConnectionsInTheirHandshakeASmallBudgetOfTheirOwnAndCapEachSourceAddress() {
        Limits limits = Limits.defaults();
        assertThat(limits.maxUnauthenticatedConnections()).isEqualTo(64);
        assertThat(limits.maxUnauthenticatedPerIp()).isEqualTo(16);
        assertThat(limits.maxInboundPerIp()).isEqualTo(30);
        assertThat(limits.handshakeTimeout()).isEqualTo(Duration.ofSeconds(5));
        Limits small = Limits.forMemoryBudget(16L * 1024 * 1024);
        assertThat(small.maxUnauthenticatedConnections()).isEqualTo(8);
        assertThat(small.maxUnauthenticatedPerIp()).isEqualTo(2);
        assertThat(small.maxInboundPerIp()).isLessThan(small.maxConnections()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldScaleWithTheBudgetWithinBounds() {
        Limits small = Limits.forMemoryBudget(16L * 1024 * 1024);
        Limits large = Limits.forMemoryBudget(64L * 1024 * 1024 * 1024);
        assertThat(small.maxFrameBytes()).isEqualTo(64 * 1024);
        assertThat(large.maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(large.maxConnections()).isGreaterThan(small.maxConnections()).isLessThanOrEqualTo(4096);
    }

    @Test
    void shouldRejectUnusableValuesWithTheirName() {
        assertThatThrownBy(() -> Limits.forMemoryBudget(1024)).hasMessageContaining("at least 16 MiB");
        assertThatThrownBy(() -> Limits.defaults().withMaxConnections(0)).hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> Limits.defaults().withIdleTimeout(Duration.ZERO)).hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> Limits.defaults().withMaxFrameBytes(10)).hasMessageContaining("maxFrameBytes");
        assertThatThrownBy(() -> Limits.defaults().withMaxUnauthenticatedConnections(0))
            .hasMessageContaining("maxUnauthenticatedConnections");
        assertThatThrownBy(() -> Limits.defaults().withMaxInboundPerIp(0)).hasMessageContaining("maxInboundPerIp");
        assertThatThrownBy(() -> Limits.defaults().withHandshakeTimeout(Duration.ZERO))
            .hasMessageContaining("handshakeTimeout");
    }
}
