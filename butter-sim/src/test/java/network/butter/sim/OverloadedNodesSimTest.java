package network.butter.sim;

import static network.butter.sim.StorageNodes.text;
import static org.assertj.core.api.Assertions.assertThat;

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
import network.butter.store.ContentId;
import network.butter.store.MemoryChunkStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nodes on a saturated machine: every node's loop runs behind, so timers fire late and answers take longer than the
 * request timeout. That is the nodes' own trouble, not their partners' death, and storage must not answer it with a
 * storm of recruits (each a chunk sent, a signature checked and a disk write on a machine with no time to spare),
 * while a member that really dies meanwhile must still be replaced.
 */
class OverloadedNodesSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private static final KnownHostsConfig FAST_HOSTS = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withPolling(1_000, 300);
    private static final PcgConfig CONFIG = PcgConfig.defaults().withFixedReplication(3).withChunkBytes(1024);
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int NODES = 10;
    private static final int ITEMS = 10;
    /** Each node's loop runs this far behind: a beat's round trip takes longer than a member may be silent. */
    private static final long LAG_MS = 2_500;
    /** The shortest lag of a loop in the jitter test; the longest is twice it. */
    private static final long JITTER_MIN_LAG_MS = 400;
    private static final int JITTER_SECONDS = 60;
    private static final int JITTER_NETWORKS = 5;

    private final Map<SimNode, PeerContentGroups> storage = new HashMap<>();

    @Test
    void shouldNotRecruitForMembersThatOnlyAnswerLateWhileEveryNodeRunsBehind() {
        Simulation sim = sims.create();
        List<ContentId> items = storedItems(sim);
        long storesBefore = storesSent(sim);

        rampUpLag(sim);
        sim.runFor(Duration.ofSeconds(50));

        long stores = storesSent(sim) - storesBefore;
        // A member may still lapse now and then where views drift apart; a storm is what must not happen (without
        // allowing for the lag, this seed sent 1,770 stores here: every late answer a death, every death a recruit).
        assertThat(stores).as("stores sent in 75 s while the loops fell %d ms behind (seed %d)", LAG_MS, sim.seed())
            .isLessThanOrEqualTo(3L * ITEMS);
        for (ContentId item : items) {
            assertThat(StorageNodes.holders(sim, storage, item)).as("holders of %s (seed %d)", item, sim.seed()).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void shouldStillReplaceAMemberThatDiedWhileEveryNodeRunsBehind() {
        Simulation sim = sims.create();
        List<ContentId> items = storedItems(sim);
        rampUpLag(sim);
        ContentId item = items.getFirst();
        SimNode dying = StorageNodes.holders(sim, storage, item).getFirst();

        dying.vanish();

        assertThat(sim.runUntil(() -> StorageNodes.holders(sim, storage, item).size() >= 3, LIMIT))
            .as("a live third holder of %s after a member died silently, every loop %d ms behind (seed %d)", item, LAG_MS, sim.seed())
            .isTrue();
    }

    @Test
    void shouldTellAnOverloadedLoopFromPartnersThatDiedOnceItKeepsTimeAgain() {
        Simulation sim = sims.create();
        List<ContentId> items = storedItems(sim);
        rampUpLag(sim);
        sim.runFor(Duration.ofSeconds(10));
        sim.running().forEach(node -> node.lagLoop(0));
        sim.runFor(Duration.ofSeconds(10));
        ContentId item = items.getFirst();
        List<SimNode> holders = StorageNodes.holders(sim, storage, item);
        long start = sim.nowMs();

        holders.getFirst().vanish();

        assertThat(sim.runUntil(() -> StorageNodes.holders(sim, storage, item).size() >= 3, LIMIT)).isTrue();
        assertThat(sim.nowMs() - start).as("time to replace a silent death once the loops keep time again (seed %d)", sim.seed())
            .isLessThan(CONFIG.memberTimeoutMs() + 2 * CONFIG.heartbeatIntervalMs());
    }

    @Test
    void shouldKeepToAboutOneBeatExchangePerPairWhileLoopsRunLateByDifferentAmounts() {
        long onTime = 0;
        long late = 0;
        // A few networks together: in one network of ten, a member lost now and then moves the count by a tenth.
        for (int network = 0; network < JITTER_NETWORKS; network++) {
            Simulation sim = Simulation.builder().seed(sims.seed() + network).faults(Faults.lan()).build();
            storedItems(sim);
            long start = beatsSent(sim);
            sim.runFor(Duration.ofSeconds(JITTER_SECONDS));
            onTime += beatsSent(sim) - start;

            // A saturated machine: every loop 400-800 ms behind, each by its own amount, changing every second.
            SplittableRandom random = new SplittableRandom(sim.seed());
            long lateStart = beatsSent(sim);
            for (int second = 0; second < JITTER_SECONDS; second++) {
                sim.running().forEach(node -> node.lagLoop(JITTER_MIN_LAG_MS + random.nextLong(JITTER_MIN_LAG_MS)));
                sim.runFor(Duration.ofSeconds(1));
            }
            late += beatsSent(sim) - lateStart;
        }
        // Seeds 1, 6, ..., 46 and the default: 1.30-1.52 times as many. 1.82-2.08 times when the partner that should
        // wait starts its own exchange a tenth of an interval after the expected beat and late answers set off checks.
        assertThat((double) late / onTime)
            .as("beats while loops run 400-800 ms late against beats on time, %d and %d (seeds %d to %d)", late, onTime,
                sims.seed(), sims.seed() + JITTER_NETWORKS - 1)
            .isLessThan(1.65);
    }

    /** Lets every node's loop fall behind as a machine fills up with work: 100 ms more each second up to the lag. */
    private static void rampUpLag(Simulation sim) {
        for (long lagMs = 100; lagMs <= LAG_MS; lagMs += 100) {
            long next = lagMs;
            sim.running().forEach(node -> node.lagLoop(next));
            sim.runFor(Duration.ofSeconds(1));
        }
    }

    private List<ContentId> storedItems(Simulation sim) {
        for (int i = 0; i < NODES; i++) {
            sim.spawn(Limits.defaults(), (self, api) -> {
                KnownHosts hosts = new KnownHosts(FAST_HOSTS, () -> 0L);
                PeerContentGroups groups = new PeerContentGroups(CONFIG, new MemoryChunkStore(1 << 20));
                storage.put(self, groups);
                api.install(hosts);
                api.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
                api.install(groups);
            });
        }
        sim.runFor(Duration.ofSeconds(5));
        List<ContentId> items = new ArrayList<>();
        List<SimNode> nodes = sim.running();
        for (int i = 0; i < ITEMS; i++) {
            items.add(sim.await(storage.get(nodes.get(i % nodes.size())).put(text("item " + i)), LIMIT));
        }
        sim.runFor(Duration.ofSeconds(20));
        return items;
    }

    private static long storesSent(Simulation sim) {
        return requestsSent(sim, PeerContentGroups.STORE_ROUTE);
    }

    private static long beatsSent(Simulation sim) {
        return requestsSent(sim, PeerContentGroups.BEAT_ROUTE);
    }

    private static long requestsSent(Simulation sim, String route) {
        long requests = 0;
        for (SimNode node : sim.running()) {
            requests += node.node().stats().requestsSentByRoute().getOrDefault(route, 0L);
        }
        return requests;
    }
}
