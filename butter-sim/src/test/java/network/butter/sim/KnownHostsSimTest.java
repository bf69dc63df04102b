package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import network.butter.api.Limits;
import network.butter.discover.Bootstrap;
import network.butter.discover.LanDiscovery;
import network.butter.discover.LanDiscoveryConfig;
import network.butter.hosts.KnownHost;
import network.butter.hosts.KnownHostGraph;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.HostPort;
import network.butter.identity.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Known-host management on the simulator: admission, eviction, peer exchange, the three-node edge case. */
class KnownHostsSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private final Map<SimNode, KnownHosts> lists = new HashMap<>();

    private static final KnownHostsConfig FAST = KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120)
        .withPolling(1_000, 300);

    private SimNode lanNode(Simulation sim, KnownHostsConfig config) {
        return sim.spawn(Limits.defaults(), (self, node) -> {
            KnownHosts hosts = new KnownHosts(config, () -> 0L);
            lists.put(self, hosts);
            node.install(hosts);
            node.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
        });
    }

    private SimNode bootstrappedNode(Simulation sim, KnownHostsConfig config, List<HostPort> bootstrap) {
        return sim.spawn(Limits.defaults(), (self, node) -> {
            KnownHosts hosts = new KnownHosts(config, () -> 0L);
            lists.put(self, hosts);
            node.install(hosts);
            node.install(new Bootstrap(bootstrap, hosts, 500));
        });
    }

    private Set<PeerId> known(SimNode node) {
        Set<PeerId> ids = new HashSet<>();
        for (KnownHost host : lists.get(node).hosts()) {
            ids.add(host.address().id());
        }
        return ids;
    }

    private boolean connected(List<SimNode> nodes) {
        Map<PeerId, SimNode> byId = new HashMap<>();
        nodes.forEach(node -> byId.put(node.id(), node));
        return KnownHostGraph.connected(byId.keySet(), id -> known(byId.get(id)));
    }

    @Test
    void shouldLetThreeNodesThatCanEachKnowOneHostAllBeKnown() {
        Simulation sim = sims.create();
        KnownHostsConfig tiny = FAST.withCapacity(1).withRandomAcceptance(0);
        List<SimNode> nodes = List.of(lanNode(sim, tiny), lanNode(sim, tiny), lanNode(sim, tiny));
        boolean allKnown = sim.runUntil(() -> {
            Set<PeerId> knownBySomeone = new HashSet<>();
            nodes.forEach(node -> knownBySomeone.addAll(known(node)));
            return knownBySomeone.size() == 3;
        }, Duration.ofMinutes(10));
        assertThat(allKnown).as("every node known by another within 10 virtual minutes").isTrue();
        nodes.forEach(node -> assertThat(known(node)).hasSize(1));
    }

    @Test
    void shouldForgetACrashedHostWithinOnePollIntervalAndTimeout() {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            nodes.add(lanNode(sim, FAST));
        }
        sim.runFor(Duration.ofSeconds(5));
        SimNode victim = nodes.get(2);
        nodes.stream().filter(node -> node != victim).forEach(node -> assertThat(known(node)).contains(victim.id()));
        victim.crash();
        long crashedAt = sim.nowMs();
        boolean forgotten = sim.runUntil(() -> nodes.stream().filter(node -> node != victim)
            .noneMatch(node -> known(node).contains(victim.id())), Duration.ofSeconds(10));
        assertThat(forgotten).isTrue();
        assertThat(sim.nowMs() - crashedAt).isLessThanOrEqualTo(FAST.pollIntervalMs() + FAST.pollTimeoutMs());
    }

    @Test
    void shouldJoinThroughOneBootstrapAddressWithoutDiscoveryAndLearnMany() {
        Simulation sim = sims.create();
        SimNode seed = bootstrappedNode(sim, FAST, List.of());
        List<SimNode> nodes = new ArrayList<>(List.of(seed));
        for (int i = 0; i < 30; i++) {
            nodes.add(bootstrappedNode(sim, FAST, List.of(seed.address().hostPort())));
            sim.runFor(Duration.ofMillis(200));
        }
        sim.runFor(Duration.ofSeconds(30));
        assertThat(connected(nodes)).isTrue();
        SimNode last = nodes.get(nodes.size() - 1);
        assertThat(known(last)).hasSizeGreaterThan(5);
        nodes.forEach(node -> assertThat(known(node)).hasSizeLessThanOrEqualTo(FAST.capacity()));
    }

    @Test
    void shouldFormOneComponentOnALanWithinCapacity() {
        Simulation sim = sims.create();
        KnownHostsConfig small = FAST.withCapacity(8);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            nodes.add(lanNode(sim, small));
        }
        boolean formed = sim.runUntil(() -> connected(nodes), Duration.ofMinutes(2));
        assertThat(formed).isTrue();
        nodes.forEach(node -> assertThat(known(node)).hasSizeLessThanOrEqualTo(8));
    }
}
