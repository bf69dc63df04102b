package network.butter.testbed.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import network.butter.api.Limits;
import network.butter.discover.LanDiscovery;
import network.butter.discover.LanDiscoveryConfig;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.PeerId;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.retrieve.RetrievalConfig;
import network.butter.sim.SimNode;
import network.butter.sim.Simulation;
import network.butter.sim.SimulationExtension;
import network.butter.store.ContentId;
import network.butter.store.MemoryChunkStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Members that hold their copies and prove it to their partners, but refuse every reader ({@link LyingSummaryAttack}
 * answers each fetch "absent"). They never leave a group on their own; unless honest members find them out, churn
 * lets a group drift towards them until no member serves its block.
 */
class RefusingMembersSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private static final KnownHostsConfig FAST_HOSTS = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withPolling(1_000, 300);
    private static final PcgConfig CONFIG = PcgConfig.defaults().withHeartbeatIntervalMs(1_000).withChunkBytes(1024);
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int MAX_ITEMS = 24;

    private final Map<SimNode, PeerContentGroups> honest = new HashMap<>();
    private final Set<PeerId> refusers = new HashSet<>();

    private SimNode spawn(Simulation sim, boolean refuser, Intel intel) {
        return sim.spawn(Limits.defaults(), (self, api) -> {
            KnownHosts hosts = new KnownHosts(FAST_HOSTS, () -> 0L);
            api.install(hosts);
            api.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
            PeerContentGroups groups = new PeerContentGroups(CONFIG, new MemoryChunkStore(1 << 20));
            if (refuser) {
                refusers.add(self.id());
                Attacker.install(api, List.of(new LyingSummaryAttack()), intel, groups, RetrievalConfig.defaults());
            } else {
                honest.put(self, groups);
                api.install(groups);
            }
        });
    }

    /** Honest nodes that count a refuser a live member of {@code block}'s group. */
    private long countingARefuser(Simulation sim, ContentId block) {
        return honest.entrySet().stream().filter(entry -> entry.getValue().holds(block))
            .filter(entry -> sim.await(entry.getValue().liveMembers(block), LIMIT).stream().anyMatch(refusers::contains))
            .count();
    }

    private long honestHolders(ContentId block) {
        return honest.values().stream().filter(groups -> groups.holds(block)).count();
    }

    @Test
    void shouldReplaceAMemberThatProvesItHoldsTheBlockButRefusesEveryRead() {
        Simulation sim = sims.create();
        Intel intel = new Intel();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            SimNode node = spawn(sim, i % 2 == 1, intel);
            if (i % 2 == 0) {
                nodes.add(node);
            }
        }
        sim.runFor(Duration.ofSeconds(5));
        // Placement picks members at random among the known hosts: put until some group has a refuser among its
        // members (six of twelve nodes refuse, so a few puts do), at most MAX_ITEMS.
        List<ContentId> items = new ArrayList<>();
        long before = 0;
        for (int item = 0; item < MAX_ITEMS && before == 0; item++) {
            ContentId id = sim.await(honest.get(nodes.get(item % nodes.size()))
                .put(("served to members only, item " + item).getBytes(StandardCharsets.UTF_8)), LIMIT);
            items.add(id);
            sim.runFor(Duration.ofSeconds(1));
            before = countingARefuser(sim, id);
        }
        assertThat(before).as("honest members counting a refuser right after %d puts (precondition)", items.size())
            .isPositive();

        // A group with a refuser among its three members keeps two honest copies for good unless it finds it out.
        boolean replaced = sim.runUntil(() -> items.stream().allMatch(item -> honestHolders(item) >= CONFIG.replication()), LIMIT);
        assertThat(replaced).as("every item held by " + CONFIG.replication() + " honest nodes").isTrue();
    }
}
