package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import network.butter.api.Limits;
import network.butter.hosts.HostClass;
import network.butter.hosts.HostSample;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.PeerAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An ambassador introduces subnetworks to each other: its samples favour hosts of other subnets than the asker's. */
class AmbassadorSampleSimTest {

    private static final KnownHostsConfig SAMPLES_OF_FOUR = new KnownHostsConfig(64, 1_000, 6_000, 300, 0.05, 4, 4, "");

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private List<PeerAddress> samplesFrom(boolean ambassador) throws Exception {
        Simulation sim = Simulation.builder().seed(sims.seed()).hostsPerSubnet(3).build();
        List<KnownHosts> lists = new ArrayList<>();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            boolean first = i == 0;
            nodes.add(sim.spawn(Limits.defaults(), (self, node) -> {
                KnownHosts hosts = new KnownHosts(SAMPLES_OF_FOUR, () -> 0L);
                hosts.reportAmbassador(() -> first && ambassador);
                lists.add(hosts);
                node.install(hosts);
            }));
        }
        sim.runFor(Duration.ofMillis(1));
        nodes.subList(1, nodes.size()).forEach(node -> lists.getFirst().offer(node.address()));
        sim.runFor(Duration.ofSeconds(5));
        assertThat(lists.getFirst().hosts()).hasSize(8);
        List<PeerAddress> sampled = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] reply = sim.await(nodes.get(1).node().request(nodes.getFirst().address(), KnownHosts.SAMPLE_ROUTE,
                new byte[0], Duration.ofSeconds(5)), Duration.ofSeconds(10)).payload();
            sampled.addAll(HostSample.decode(reply));
        }
        return sampled;
    }

    @Test
    void shouldAnswerWithHostsOfOtherSubnetsThanTheAskersFirstWhenAnAmbassador() throws Exception {
        List<PeerAddress> sampled = samplesFrom(true);
        assertThat(sampled).hasSize(20)
            .allSatisfy(address -> assertThat(HostClass.subnetOf(address.host())).isNotEqualTo("10.0.0.0/24"));
    }

    @Test
    void shouldAnswerWithRandomHostsWhenNotAnAmbassador() throws Exception {
        List<PeerAddress> sampled = samplesFrom(false);
        assertThat(sampled).anySatisfy(address -> assertThat(HostClass.subnetOf(address.host())).isEqualTo("10.0.0.0/24"));
    }
}
