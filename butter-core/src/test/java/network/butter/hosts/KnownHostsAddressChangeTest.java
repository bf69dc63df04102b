package network.butter.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import network.butter.api.Limits;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.testing.MemoryNetwork;
import network.butter.testing.MemoryNetwork.TestNode;
import network.butter.testing.SeedReporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A host's advertised address replaces the old one in every list that hears it, whichever way it is heard: an
 * ADVERTISE on an open connection (no frame follows it), or the answer to a poll sent to an older address.
 */
class KnownHostsAddressChangeTest {

    private static final long SEED = 15L;
    /** Hourly polls: no poll round falls inside what a test watches, so only the change itself can move a host. */
    private static final KnownHostsConfig HOURLY = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withPolling(3_600_000, 3_000);

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    private final MemoryNetwork net = new MemoryNetwork(SEED);

    private record Host(TestNode node, KnownHosts list) {
        PeerAddress address() {
            return node.address();
        }
    }

    private Host node() {
        TestNode node = net.node();
        KnownHosts list = new KnownHosts(HOURLY, () -> 0L);
        node.runtime().install(list);
        net.time().runDue();
        return new Host(node, list);
    }

    private static List<PeerAddress> known(Host host, PeerId peer) {
        return host.list().hosts().stream().map(KnownHost::address).filter(address -> address.id().equals(peer))
            .toList();
    }

    /** Where a node behind a NAT is reached once its router maps its port: another host and port, same id. */
    private static PeerAddress mapped(PeerAddress address) {
        return new PeerAddress(address.id(), "203.0.113.101", 7001);
    }

    @Test
    void shouldListAKnownHostAtTheAddressItAdvertisesAtOnceWithoutWaitingForItsNextFrame() {
        Host observer = node();
        Host moving = node();
        observer.list().offer(moving.address());
        net.time().advance(100);
        assertThat(known(observer, moving.address().id())).containsExactly(moving.address());

        observer.node().transport().listener().onPeerAdvertised(mapped(moving.address()));

        assertThat(known(observer, moving.address().id())).as("listed where it advertised, before any frame from it")
            .containsExactly(mapped(moving.address()));
    }

    @Test
    void shouldAdmitACandidateAtTheAddressItAnsweredFromRatherThanTheOlderOneItWasOfferedAt() {
        Host observer = node();
        Host moving = node();
        Host relay = node();
        observer.list().offer(relay.address());
        net.time().advance(100);
        // A sample handed out the address it had before (relayed, say); the poll still reaches it, over the
        // connection it keeps with the observer, and its answer comes from where it is now.
        PeerAddress older = PeerAddress.relayed(moving.address().id(), relay.address());

        List<PeerAddress> admitted = new ArrayList<>();
        observer.list().onAdmitted(host -> admitted.add(host.address()));
        net.time().runDue();

        observer.list().offer(older);
        net.time().advance(100);

        assertThat(admitted).as("admitted where it answered from, not listed a moment at an address that may be dead")
            .containsExactly(relay.address(), moving.address());
    }
}
