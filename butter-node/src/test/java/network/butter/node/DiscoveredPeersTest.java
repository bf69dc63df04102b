package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.node.discover.DiscoveredPeers;
import network.butter.node.discover.DiscoveredPeers.Discovery;
import org.junit.jupiter.api.Test;

class DiscoveredPeersTest {

    private final AtomicLong clockMs = new AtomicLong(5_000);

    @Test
    void shouldBeLonelyUntilThePeerIsHeardOfAndTimeItFromTheStart() {
        DiscoveredPeers peers = new DiscoveredPeers(4, clockMs::get);
        assertThat(peers.lonely()).isTrue();
        assertThat(peers.firstDiscoveryAfterMs()).isEmpty();

        clockMs.addAndGet(120);
        PeerAddress first = peer(7001);
        peers.offer(first);
        clockMs.addAndGet(30);
        peers.offer(peer(7002));

        assertThat(peers.lonely()).isFalse();
        assertThat(peers.firstDiscoveryAfterMs()).hasValue(120);
        assertThat(peers.all()).extracting(Discovery::afterMs).containsExactly(120L, 150L);
        assertThat(peers.all().getFirst().address()).isEqualTo(first);
    }

    @Test
    void shouldRememberEachAddressOnceWithTheTimeItWasFirstHeard() {
        DiscoveredPeers peers = new DiscoveredPeers(4, clockMs::get);
        PeerAddress peer = peer(7001);

        peers.offer(peer);
        clockMs.addAndGet(1_000);
        peers.offer(peer);

        assertThat(peers.all()).containsExactly(new Discovery(peer, 0));
    }

    @Test
    void shouldIgnoreAndCountAddressesBeyondItsCapacity() {
        DiscoveredPeers peers = new DiscoveredPeers(2, clockMs::get);
        List<PeerAddress> offered = List.of(peer(7001), peer(7002), peer(7003), peer(7004));

        offered.forEach(peers::offer);
        peers.offer(offered.get(3));

        assertThat(peers.all()).extracting(Discovery::address).containsExactly(offered.get(0), offered.get(1));
        assertThat(peers.refused()).isEqualTo(3);
    }

    @Test
    void shouldTellAListenerAboutEveryPeerOnceWhenEverItSubscribed() {
        DiscoveredPeers peers = new DiscoveredPeers(8, clockMs::get);
        PeerAddress early = peer(7001);
        PeerAddress late = peer(7002);
        List<PeerAddress> told = new ArrayList<>();

        peers.offer(early);
        peers.onDiscovered(found -> told.add(found.address()));
        peers.offer(late);
        peers.offer(early);

        assertThat(told).containsExactly(early, late);
    }

    @Test
    void shouldLogEachNewPeerOnceAtInfo() {
        DiscoveredPeers peers = new DiscoveredPeers(8, clockMs::get);
        PeerAddress peer = peer(7001);
        try (CapturedLogs logs = CapturedLogs.of(DiscoveredPeers.class.getName(), Level.INFO, true)) {
            peers.offer(peer);
            peers.offer(peer);

            assertThat(logs.atLeast(Level.INFO))
                .containsExactly("INFO " + DiscoveredPeers.class.getName() + " - discovered peer " + peer);
        }
    }

    private static PeerAddress peer(int port) {
        return new PeerAddress(NodeIdentity.generate(new java.security.SecureRandom()).peerId(), "10.77.0.2", port);
    }
}
