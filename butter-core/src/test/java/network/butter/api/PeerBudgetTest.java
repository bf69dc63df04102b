package network.butter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The per-peer budget and how it derives from the memory budget. */
class PeerBudgetTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void shouldDeriveTheDefaultBudgetFromTheDefaultMemoryBudget() {
        assertThat(PeerBudget.defaults()).isEqualTo(new PeerBudget(512, 512, 1024));
    }

    @Test
    void shouldKeepASmallNodesBurstAboveASendersInFlightWindow() {
        PeerBudget small = PeerBudget.forMemoryBudget(16 * MIB);
        assertThat(small.routeRequestsPerSecond()).isEqualTo(64);
        assertThat(small.routeBurstRequests()).isEqualTo(128)
            .isGreaterThanOrEqualTo(Limits.forMemoryBudget(16 * MIB).maxInFlightPerPeer());
        assertThat(small.maxTrackedPeers())
            .isGreaterThanOrEqualTo(2 * Limits.forMemoryBudget(16 * MIB).maxConnections());
    }

    @Test
    void shouldCapTheBudgetOfAHugeNode() {
        assertThat(PeerBudget.forMemoryBudget(1L << 50)).isEqualTo(new PeerBudget(8192, 8192, 65_536));
    }

    @Test
    void shouldRefuseUnusableValues() {
        assertThatThrownBy(() -> PeerBudget.forMemoryBudget(MIB)).hasMessageContaining("16 MiB");
        assertThatThrownBy(() -> PeerBudget.defaults().withRouteRequestsPerSecond(0))
            .hasMessageContaining("routeRequestsPerSecond must be >= 1");
        assertThatThrownBy(() -> PeerBudget.defaults().withMaxTrackedPeers(0))
            .hasMessageContaining("maxTrackedPeers must be >= 1");
    }
}
