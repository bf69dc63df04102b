package network.butter.wider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import network.butter.api.OverloadedException;
import network.butter.api.PublicException;
import network.butter.api.Request;
import network.butter.env.RelayGate.Allowed;
import network.butter.env.RelayGate.Refused;
import network.butter.identity.HostPort;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wider.WiderMessages.ReservationTerms;
import org.junit.jupiter.api.Test;

class RelayServiceTest {

    private static final RelayBudget BUDGET = new RelayBudget(3, 2, 4, 2, 3, 1_000_000, 60_000);
    private static final long TTL_MS = 120_000;

    private final AtomicLong clock = new AtomicLong(1_000);
    private boolean serving = true;
    private final RelayService relay = new RelayService(BUDGET, TTL_MS, clock::get, () -> serving);

    private static PeerId peer() {
        return NodeIdentity.generate(new SecureRandom()).peerId();
    }

    private ReservationTerms reserve(PeerId peer, String ip) throws Exception {
        Request request = new Request(new PeerAddress(peer, ip, 7000), Wider.RESERVE_ROUTE,
            new byte[] {WiderMessages.RESERVE});
        return WiderMessages.decodeTerms(relay.reserve(request, Optional.of(new HostPort(ip, 40_000))).payload());
    }

    @Test
    void shouldGrantAReservationWithTheBudgetsCircuitLimits() throws Exception {
        PeerId home = peer();
        assertThat(reserve(home, "198.51.100.1")).isEqualTo(new ReservationTerms(TTL_MS, 1_000_000, 60_000));
        assertThat(relay.reserved(home)).isTrue();
    }

    @Test
    void shouldRefuseReservationsWhenNotAnAmbassador() {
        serving = false;
        assertThatThrownBy(() -> reserve(peer(), "198.51.100.1")).isInstanceOf(PublicException.class)
            .hasMessageContaining("not an ambassador");
    }

    @Test
    void shouldRefuseAReservationOverARelayedConnection() {
        Request request = new Request(new PeerAddress(peer(), "10.0.0.1", 7000), Wider.RESERVE_ROUTE,
            new byte[] {WiderMessages.RESERVE});
        assertThatThrownBy(() -> relay.reserve(request, Optional.empty())).isInstanceOf(PublicException.class)
            .hasMessageContaining("direct connection");
    }

    @Test
    void shouldRefuseReservationsBeyondTheTotalAndPerIpLimitsButRenewExistingOnes() throws Exception {
        PeerId first = peer();
        reserve(first, "198.51.100.1");
        reserve(peer(), "198.51.100.1");
        assertThatThrownBy(() -> reserve(peer(), "198.51.100.1")).isInstanceOf(OverloadedException.class)
            .hasMessageContaining("2 reservations per IP address");
        reserve(peer(), "198.51.100.2");
        assertThatThrownBy(() -> reserve(peer(), "198.51.100.3")).isInstanceOf(OverloadedException.class)
            .hasMessage("relay full: 3 reservations");
        reserve(first, "198.51.100.1");
        assertThat(relay.reservationCount()).isEqualTo(3);
    }

    @Test
    void shouldLetAReservationExpireUnlessRenewed() throws Exception {
        PeerId home = peer();
        reserve(home, "198.51.100.1");
        clock.addAndGet(TTL_MS - 1);
        reserve(home, "198.51.100.1");
        clock.addAndGet(TTL_MS - 1);
        assertThat(relay.reserved(home)).isTrue();
        clock.addAndGet(1);
        assertThat(relay.reserved(home)).isFalse();
        assertThat(relay.openCircuit(peer(), "192.0.2.1", home)).isInstanceOf(Refused.class);
    }

    @Test
    void shouldOpenCircuitsOnlyToPeersHoldingAReservation() throws Exception {
        PeerId home = peer();
        PeerId stranger = peer();
        reserve(home, "198.51.100.1");
        assertThat(relay.openCircuit(peer(), "192.0.2.1", home)).isEqualTo(new Allowed(1_000_000, 60_000));
        assertThat(relay.openCircuit(peer(), "192.0.2.1", stranger))
            .isEqualTo(new Refused("no reservation for " + stranger.shortForm() + " on this relay"));
    }

    @Test
    void shouldBoundCircuitsPerPeerPerIpAndInTotalAndFreeThemWhenClosed() throws Exception {
        PeerId home = peer();
        reserve(home, "198.51.100.1");
        PeerId caller = peer();
        assertThat(relay.openCircuit(caller, "192.0.2.1", home)).isInstanceOf(Allowed.class);
        assertThat(relay.openCircuit(caller, "192.0.2.1", home)).isInstanceOf(Allowed.class);
        assertThat(relay.openCircuit(caller, "192.0.2.1", home)).isInstanceOfSatisfying(Refused.class,
            refused -> assertThat(refused.reason()).contains("2 per peer"));
        assertThat(relay.openCircuit(peer(), "192.0.2.1", home)).isInstanceOf(Allowed.class);
        assertThat(relay.openCircuit(peer(), "192.0.2.1", home)).isInstanceOfSatisfying(Refused.class,
            refused -> assertThat(refused.reason()).contains("3 per IP address"));
        assertThat(relay.openCircuit(peer(), "192.0.2.2", home)).isInstanceOf(Allowed.class);
        assertThat(relay.openCircuit(peer(), "192.0.2.3", home)).isInstanceOfSatisfying(Refused.class,
            refused -> assertThat(refused.reason()).isEqualTo("relay full: 4 circuits open"));
        relay.circuitClosed(caller, home, 500, 10);
        assertThat(relay.openCircuitCount()).isEqualTo(3);
        assertThat(relay.openCircuit(caller, "192.0.2.1", home)).isInstanceOf(Allowed.class);
        assertThat(relay.counters()).containsExactly(5, 3, 500);
    }

    @Test
    void shouldRefuseCircuitsOnceNoLongerAnAmbassador() throws Exception {
        PeerId home = peer();
        reserve(home, "198.51.100.1");
        serving = false;
        assertThat(relay.openCircuit(peer(), "192.0.2.1", home)).isInstanceOf(Refused.class);
    }

    @Test
    void shouldDeriveNoRelayingFromASmallBudgetAndBoundedRelayingFromTheDefault() {
        assertThat(RelayBudget.forMemoryBudget(32L << 20, 60).allowsRelaying()).isFalse();
        RelayBudget defaults = RelayBudget.forMemoryBudget(512L << 20, 120);
        assertThat(defaults).isEqualTo(new RelayBudget(30, 7, 256, 8, 16, 8L << 20, 600_000));
    }
}
