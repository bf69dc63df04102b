package network.butter.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import network.butter.api.Limits;
import network.butter.identity.PeerAddress;
import network.butter.testing.MemoryNetwork;
import network.butter.testing.SeedReporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who makes way in a full list for a candidate that nobody knows yet: the listed host the most others know. */
class KnownHostsEvictionTest {

    private static final long SEED = 33L;
    /** Polls every second; no place given by chance, so only the rules under test let a candidate in. */
    private static final KnownHostsConfig ROOMY = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withPolling(1_000, 300).withRandomAcceptance(0);

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    private final MemoryNetwork net = new MemoryNetwork(SEED);

    private record Host(PeerAddress address, KnownHosts list) {
    }

    private Host node(KnownHostsConfig config) {
        MemoryNetwork.TestNode node = net.node();
        KnownHosts list = new KnownHosts(config, () -> 0L);
        node.runtime().install(list);
        net.time().runDue();
        return new Host(node.address(), list);
    }

    private static List<PeerAddress> known(Host host) {
        return host.list().hosts().stream().map(KnownHost::address).toList();
    }

    @Test
    void shouldGiveANewcomerKnownByNobodyThePlaceOfTheHostMostOthersKnow() {
        Host popular = node(ROOMY);
        Host lonely = node(ROOMY);
        for (int i = 0; i < 3; i++) {
            node(ROOMY).list().offer(popular.address()); // listed by three, which poll it as a listed host
        }
        // Each polls it at least once a longest poll interval, whether or not it heard from it meanwhile.
        net.time().advance(ROOMY.maxPollIntervalMs() + 5_000);
        Host self = node(ROOMY.withCapacity(2));
        self.list().offer(popular.address());
        self.list().offer(lonely.address());
        net.time().advance(200);
        assertThat(self.list().hosts()).extracting(host -> host.quality().knownBy()).satisfiesExactly(
            knownBy -> assertThat(knownBy).as("the popular host's pollers").isGreaterThanOrEqualTo(2),
            knownBy -> assertThat(knownBy).as("the lonely host's pollers").isZero());

        Host newcomer = node(ROOMY);
        self.list().offer(newcomer.address());
        net.time().advance(200);

        assertThat(known(self)).containsExactly(lonely.address(), newcomer.address());
    }

    @Test
    void shouldTurnANewcomerAwayWhenNoListedHostIsKnownByTwoOthers() {
        Host first = node(ROOMY);
        Host second = node(ROOMY);
        Host self = node(ROOMY.withCapacity(2));
        self.list().offer(first.address());
        self.list().offer(second.address());
        net.time().advance(200);

        self.list().offer(node(ROOMY).address());
        net.time().advance(200);

        assertThat(known(self)).containsExactly(first.address(), second.address());
    }
}
