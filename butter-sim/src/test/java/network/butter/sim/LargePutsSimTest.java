package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import network.butter.api.Limits;
import network.butter.discover.LanDiscovery;
import network.butter.discover.LanDiscoveryConfig;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.persist.StorageException;
import network.butter.store.ContentId;
import network.butter.store.MemoryChunkStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Large content through Peer Content Groups on the simulator, where the streamed put of a real node failed: stores
 * that take longer than the request timeout on a loaded network, and the candidates a large put spreads over.
 */
class LargePutsSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private static final KnownHostsConfig FAST_HOSTS = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withPolling(1_000, 300);
    private static final PcgConfig CONFIG = PcgConfig.defaults().withFixedReplication(3).withHeartbeatIntervalMs(1_000)
        .withChunkBytes(1024);
    private static final Duration LIMIT = Duration.ofSeconds(120);

    private final Map<SimNode, PeerContentGroups> storage = new HashMap<>();
    private final Map<SimNode, KnownHosts> knownHosts = new HashMap<>();

    private List<SimNode> cluster(Simulation sim, int size, long capacityBytes) {
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(spawn(sim, capacityBytes));
        }
        sim.runFor(Duration.ofSeconds(5));
        return nodes;
    }

    private SimNode spawn(Simulation sim, long capacityBytes) {
        return sim.spawn(Limits.defaults(), (self, api) -> {
            KnownHosts hosts = new KnownHosts(FAST_HOSTS, () -> 0L);
            PeerContentGroups groups = new PeerContentGroups(CONFIG, new MemoryChunkStore(capacityBytes));
            storage.put(self, groups);
            knownHosts.put(self, hosts);
            api.install(hosts);
            api.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
            api.install(groups);
        });
    }

    private static byte[] random(long seed, int bytes) {
        byte[] content = new byte[bytes];
        new SplittableRandom(seed).nextBytes(content);
        return content;
    }

    @Test
    void shouldCompleteAPutWhoseStoresTakeLongerThanTheRequestTimeout() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8, 1 << 20);
        byte[] content = random(sims.seed(), 8 * 1024);
        // Every store's round trip now takes 2.4 s, more than the 2 s request timeout, as on a host under heavy load.
        sim.faults(Faults.lan().withLatency(Latency.fixed(1_200)));

        ContentId id = sim.await(storage.get(nodes.get(0)).put(content), LIMIT);

        sim.faults(Faults.lan());
        sim.runFor(Duration.ofSeconds(10)); // polls that timed out made nodes forget their known hosts: find them again
        assertThat(sim.await(storage.get(nodes.get(5)).get(id), LIMIT)).isEqualTo(content);
    }

    @Test
    void shouldSpreadALargeContentsStripesOverAllTheCandidates() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 6, 4 << 20);
        byte[] content = random(sims.seed(), 4 * 64 * 1000); // four stripes of 64 chunks

        sim.await(storage.get(nodes.get(0)).put(content), LIMIT);

        long holding = nodes.stream().filter(node -> !storage.get(node).heldBlocks().isEmpty()).count();
        assertThat(holding).as("nodes holding a part of it (without stripes: the owner and the same two members)")
            .isEqualTo(6);
    }

    @Test
    void shouldWaitForCandidatesRatherThanFailAPutWhileItsNodeHasForgottenItsKnownHosts() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8, 1 << 20);
        nodes.subList(1, nodes.size()).forEach(SimNode::crash); // every host node 0 knew is gone, and it forgets them
        sim.runFor(Duration.ofSeconds(1));
        assertThat(knownHosts.get(nodes.get(0)).hosts()).as("known hosts when the put starts").isEmpty();

        byte[] content = random(sims.seed(), 3_000);
        var put = storage.get(nodes.get(0)).put(content);
        List<SimNode> newcomers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            newcomers.add(spawn(sim, 1 << 20)); // they announce themselves on the LAN as they start
        }
        ContentId id = sim.await(put, LIMIT);

        SimNode reader = newcomers.stream().filter(node -> storage.get(node).heldBlocks().isEmpty()).findFirst()
            .orElse(newcomers.getFirst());
        assertThat(sim.await(storage.get(reader).get(id), LIMIT)).isEqualTo(content);
    }

    @Test
    void shouldSayNoPeerHasRoomAndNameTheLimitWhenTheNetworkHasNoRoomForTheOwner() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 4, 64 * 1024); // an owner may fill a quarter of each store: 16 KiB
        byte[] content = random(sims.seed(), 96 * 1024);

        assertThatThrownBy(() -> sim.await(storage.get(nodes.get(0)).put(content), LIMIT))
            .rootCause()
            .isInstanceOf(StorageException.InsufficientReplicasException.class)
            .hasMessageContaining("no peer it knows has room for it")
            .hasMessageContaining("its share is 16384");
    }
}
