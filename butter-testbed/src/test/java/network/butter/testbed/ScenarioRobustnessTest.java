package network.butter.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;
import network.butter.sim.Faults;
import network.butter.sim.Simulation;
import network.butter.sim.SimulationExtension;
import network.butter.testbed.protocol.DataPeer;
import network.butter.testbed.protocol.DataProtocol;
import network.butter.testbed.protocol.LocalOnlyStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What keeps real runs honest, checked on a simulated cluster dressed up as a real one: nodes that die together
 * (several nodes in one killed process) are counted and replaced, storing waits until the known-host lists have
 * filled, a replacement that does not start leaves the network a node short (too many stop the run), and a cluster
 * that runs out of a resource stops the run with the figures so far.
 */
class ScenarioRobustnessTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    /** The baseline, said to store on known hosts, so that the scenario waits for them as it does for pcg. */
    private final DataProtocol protocol = new DataProtocol() {
        private final LocalOnlyStorage storage = new LocalOnlyStorage();

        @Override
        public String name() {
            return storage.name();
        }

        @Override
        public DataPeer install(network.butter.api.Node node) {
            return storage.install(node);
        }

        @Override
        public java.util.Set<network.butter.identity.PeerId> holders(network.butter.testbed.protocol.ItemKey key) {
            return storage.holders(key);
        }

        @Override
        public boolean storesOnKnownHosts() {
            return true;
        }
    };

    private ChurnConfig.Builder small() {
        return ChurnConfig.builder().mode(Mode.SIM).nodes(20).items(10).itemBytes(64).chanceToDie(0.05)
            .grace(Duration.ofSeconds(1)).form(Duration.ofSeconds(2)).churn(Duration.ofSeconds(10))
            .settle(Duration.ofSeconds(2)).bootstrapPeers(4).seed(sims.seed());
    }

    @Test
    void shouldCountAndReplaceNodesThatDieWithAKilledNodeOfTheSameProcess() {
        try (Wrapped cluster = new Wrapped(sims.seed(), protocol)) {
            cluster.sharedFate = true;
            ChurnResult result = new ChurnScenario(small().build(), cluster, protocol, p -> { }).run();

            assertThat(cluster.killed).as("some kills took a second node along").isGreaterThan(cluster.asked);
            assertThat(result.deaths()).isEqualTo(cluster.killed);
            assertThat(result.samples()).filteredOn(s -> s.phase().equals("churn"))
                .allSatisfy(s -> assertThat(s.alive()).isEqualTo(20));
        }
    }

    @Test
    void shouldWaitUntilTheKnownHostListsHaveFilledBeforeStoring() {
        try (Wrapped cluster = new Wrapped(sims.seed(), protocol)) {
            cluster.knownHosts = node -> cluster.nowMs() < 9_000 ? 1 : 5;
            List<String> progress = new java.util.ArrayList<>();
            ChurnResult result = new ChurnScenario(small().build(), cluster, protocol, progress::add).run();

            Sample firstStored = result.samples().stream().filter(s -> s.phase().equals("store")).findFirst().orElseThrow();
            assertThat(firstStored.timeMs()).isGreaterThanOrEqualTo(9_000);
            assertThat(progress).anyMatch(line -> line.startsWith("ready to store after")
                && line.contains("20/20 nodes know at least 4 hosts"));
        }
    }

    @Test
    void shouldStoreAnywayWhenTheKnownHostListsDoNotFillWithinTheLimit() {
        try (Wrapped cluster = new Wrapped(sims.seed(), protocol)) {
            cluster.knownHosts = node -> 1;
            List<String> progress = new java.util.ArrayList<>();
            ChurnResult result = new ChurnScenario(small().build(), cluster, protocol, progress::add).run();

            assertThat(progress).anyMatch(line -> line.startsWith("not ready within 60s, storing anyway: 0/20"));
            assertThat(result.itemsStored()).isEqualTo(10);
        }
    }

    @Test
    void shouldStopWithTheFiguresSoFarWhenTheClusterRunsOutOfAResource() {
        try (Wrapped cluster = new Wrapped(sims.seed(), protocol)) {
            cluster.spawnsAllowed = 22;
            ChurnResult result = new ChurnScenario(small().build(), cluster, protocol, p -> { }).run();

            assertThat(result.stoppedBy()).startsWith("in the churn phase: ").contains("Too many open files");
            assertThat(result.itemsStored()).isEqualTo(10);
            assertThat(result.retrieved()).isZero();
            assertThat(result.summaryLine()).contains(" stopped=\"in the churn phase: ").contains(" items=10 ");
        }
    }

    @Test
    void shouldGoOnANodeShortWhenAReplacementDoesNotStartDuringChurn() {
        try (Wrapped cluster = new Wrapped(sims.seed(), protocol)) {
            cluster.failingSpawns = java.util.Set.of(21, 23);
            List<String> progress = new java.util.ArrayList<>();
            ChurnResult result = new ChurnScenario(small().build(), cluster, protocol, progress::add).run();

            assertThat(result.stoppedBy()).isEmpty();
            assertThat(progress).filteredOn(line -> line.startsWith("a replacement did not start, churn goes on a node short"))
                .hasSize(2);
            assertThat(result.samples()).as("the run went on to settle and retrieve (seed %d)", sims.seed())
                .anyMatch(sample -> sample.phase().equals("settle"));
            assertThat(result.summaryLine()).doesNotContain("stopped=");
        }
    }

    @Test
    void shouldStopWhenMoreReplacementsFailToStartThanTheNetworkCanCarry() {
        try (Wrapped cluster = new Wrapped(sims.seed(), protocol)) {
            cluster.failingSpawns = java.util.Set.of(21, 22, 23, 24);
            ChurnResult result = new ChurnScenario(small().build(), cluster, protocol, p -> { }).run();

            assertThat(result.stoppedBy()).startsWith("in the churn phase: ").contains("did not start");
            assertThat(result.retrieved()).isZero();
        }
    }

    /** A simulated cluster that can kill nodes in pairs, report known hosts, fail starts and run out of descriptors. */
    private static final class Wrapped implements Cluster<DataPeer> {
        private final SimCluster<DataPeer> sim;
        boolean sharedFate;
        ToIntFunction<ClusterNode<DataPeer>> knownHosts;
        int spawnsAllowed = Integer.MAX_VALUE;
        java.util.Set<Integer> failingSpawns = java.util.Set.of();
        int spawns;
        int asked;
        int killed;

        Wrapped(long seed, DataProtocol storage) {
            sim = new SimCluster<>(Simulation.builder().seed(seed).faults(Faults.lan()).build(), storage::install);
        }

        @Override
        public Mode mode() {
            return Mode.SIM;
        }

        @Override
        public ClusterNode<DataPeer> spawn() {
            if (++spawns > spawnsAllowed) {
                throw new ClusterLimitException("cannot listen on 127.0.0.1:0: Too many open files", null);
            }
            if (failingSpawns.contains(spawns)) {
                throw new NodeStartException("node " + spawns + " did not start: the node loop did not start the protocols in time", null);
            }
            return sim.spawn();
        }

        @Override
        public void kill(ClusterNode<DataPeer> node) {
            asked++;
            List<ClusterNode<DataPeer>> alive = sim.alive();
            int at = alive.indexOf(node);
            sim.kill(node);
            killed++;
            if (sharedFate && at + 1 < alive.size()) {
                sim.kill(alive.get(at + 1));
                killed++;
            }
        }

        @Override
        public List<ClusterNode<DataPeer>> alive() {
            return sim.alive();
        }

        @Override
        public long nowMs() {
            return sim.nowMs();
        }

        @Override
        public void advanceTo(long targetMs) {
            sim.advanceTo(targetMs);
        }

        @Override
        public <T> T await(CompletableFuture<T> future, Duration limit) {
            return sim.await(future, limit);
        }

        @Override
        public Optional<NetworkFaults<DataPeer>> faults() {
            return sim.faults();
        }

        @Override
        public OptionalLong traceHash() {
            return sim.traceHash();
        }

        @Override
        public OptionalInt knownHosts(ClusterNode<DataPeer> node) {
            return knownHosts == null ? OptionalInt.empty() : OptionalInt.of(knownHosts.applyAsInt(node));
        }

        @Override
        public Map<String, String> figures() {
            return Map.of();
        }

        @Override
        public void close() {
            sim.close();
        }
    }
}
