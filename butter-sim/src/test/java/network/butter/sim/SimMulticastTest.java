package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import network.butter.api.Limits;
import network.butter.discover.HostSink;
import network.butter.discover.LanDiscovery;
import network.butter.discover.LanDiscoveryConfig;
import network.butter.identity.PeerAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SimMulticastTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private final Map<SimNode, Set<PeerAddress>> heard = new HashMap<>();

    private SimNode discoveringNode(Simulation sim, int segment) {
        SimNode node = sim.spawn(Limits.defaults(), (self, api) -> {
            Set<PeerAddress> offers = heard.computeIfAbsent(self, n -> new LinkedHashSet<>());
            api.install(new LanDiscovery(self.multicast(), new HostSink() {
                @Override
                public void offer(PeerAddress candidate) {
                    offers.add(candidate);
                }

                @Override
                public boolean lonely() {
                    return offers.isEmpty();
                }
            }, LanDiscoveryConfig.defaults()));
        });
        node.segment(segment);
        return node;
    }

    @Test
    void shouldDiscoverNodesOnTheSameSegmentOnly() {
        Simulation sim = sims.create(Faults.lan());
        SimNode a = discoveringNode(sim, 0);
        SimNode b = discoveringNode(sim, 0);
        SimNode c = discoveringNode(sim, 0);
        SimNode elsewhere = discoveringNode(sim, 1);
        sim.runFor(Duration.ofSeconds(1));
        assertThat(heard.get(a)).containsExactlyInAnyOrder(b.address(), c.address());
        assertThat(heard.get(c)).containsExactlyInAnyOrder(a.address(), b.address());
        assertThat(heard.get(elsewhere)).isEmpty();
    }

    @Test
    void shouldKeepDatagramsInsideAPartition() {
        Simulation sim = sims.create(Faults.lan());
        SimNode a = discoveringNode(sim, 0);
        SimNode b = discoveringNode(sim, 0);
        sim.partition(List.of(a), List.of(b));
        sim.runFor(Duration.ofSeconds(1));
        assertThat(heard.get(a)).isEmpty();
        sim.heal();
        sim.runFor(Duration.ofSeconds(30));
        assertThat(heard.get(a)).containsExactly(b.address());
    }
}
