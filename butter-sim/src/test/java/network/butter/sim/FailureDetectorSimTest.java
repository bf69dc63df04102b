package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import network.butter.api.ButterException;
import network.butter.api.Limits;
import network.butter.api.NodeStats;
import network.butter.api.PeerSilentException;
import network.butter.api.RouteTraffic;
import network.butter.discover.Bootstrap;
import network.butter.health.FailureDetector;
import network.butter.health.HealthConfig;
import network.butter.health.HealthStats;
import network.butter.hosts.KnownHost;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.HostPort;
import network.butter.identity.PeerId;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The failure detector on the simulator: silent deaths confirmed, live peers under loss not, suspicion refuted. */
class FailureDetectorSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private static final int NODES = 12;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final Map<SimNode, KnownHosts> hosts = new HashMap<>();
    private final Map<SimNode, FailureDetector> detectors = new HashMap<>();
    private final Map<SimNode, FailureLog> failures = new HashMap<>();

    /** Records every failure its node's protocols are told of, as any protocol's listener would hear it. */
    private static final class FailureLog implements Protocol {
        final List<ButterException> causes = new ArrayList<>();
        final Map<PeerId, Long> silentAtMs = new HashMap<>();

        @Override
        public String name() {
            return "failure-log";
        }

        @Override
        public void start(ProtocolContext context) {
            context.onPeerFailed((peer, cause) -> {
                causes.add(cause);
                if (cause instanceof PeerSilentException) {
                    silentAtMs.putIfAbsent(peer, context.loop().nowMillis());
                }
            });
        }

        long silent() {
            return causes.stream().filter(PeerSilentException.class::isInstance).count();
        }
    }

    private List<SimNode> network(Simulation sim, HealthConfig config) {
        List<SimNode> nodes = new ArrayList<>();
        List<HostPort> seed = new ArrayList<>();
        KnownHostsConfig hostsConfig = KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120);
        for (int i = 0; i < NODES; i++) {
            List<HostPort> bootstrap = List.copyOf(seed);
            nodes.add(sim.spawn(Limits.defaults(), (self, node) -> {
                KnownHosts list = new KnownHosts(hostsConfig, () -> 0L);
                FailureDetector detector = new FailureDetector(config);
                FailureLog log = new FailureLog();
                hosts.put(self, list);
                detectors.put(self, detector);
                failures.put(self, log);
                node.install(list);
                node.install(new Bootstrap(bootstrap, list, 500));
                node.install(detector);
                node.install(log);
            }));
            if (seed.isEmpty()) {
                seed.add(nodes.getFirst().address().hostPort());
            }
        }
        boolean formed = sim.runUntil(() -> nodes.stream().allMatch(node -> hosts.get(node).hosts().size() >= 4),
            Duration.ofMinutes(2));
        assertThat(formed).as("every node knows 4 hosts within 2 virtual minutes").isTrue();
        return nodes;
    }

    private boolean knows(SimNode node, SimNode other) {
        return hosts.get(node).hosts().stream().map(KnownHost::address).anyMatch(a -> a.id().equals(other.id()));
    }

    private HealthStats total() {
        long suspected = 0;
        long refuted = 0;
        long confirmed = 0;
        long probes = 0;
        for (FailureDetector detector : detectors.values()) {
            HealthStats stats = detector.stats();
            suspected += stats.suspected();
            refuted += stats.refuted();
            confirmed += stats.confirmed();
            probes += stats.probesSent();
        }
        return new HealthStats(suspected, refuted, confirmed, 0, probes, 0);
    }

    @Test
    void shouldConfirmASilentlyDeadPeerWithinFourSecondsOfItsDeath() {
        Simulation sim = sims.create(Faults.lan());
        List<SimNode> nodes = network(sim, HealthConfig.defaults());
        SimNode observer = nodes.get(1);
        SimNode victim = nodes.get(7);

        victim.vanish();
        long diedAtMs = sim.nowMs();
        observer.node().request(victim.address(), "app/anything", new byte[0], PROBE_TIMEOUT);
        boolean confirmed = sim.runUntil(() -> failures.get(observer).silentAtMs.containsKey(victim.id()),
            Duration.ofSeconds(30));

        assertThat(confirmed).as("the observer's protocols heard a PeerSilentException").isTrue();
        long detectionMs = failures.get(observer).silentAtMs.get(victim.id()) - diedAtMs;
        System.out.printf(Locale.ROOT, "silent death confirmed %d ms after it, %d ms after the first timeout (seed %d)%n",
            detectionMs, detectionMs - PROBE_TIMEOUT.toMillis(), sim.seed());
        assertThat(detectionMs).as("1 s request timeout + 2 s shortest suspicion + probes").isLessThanOrEqualTo(4_000);
        assertThat(knows(observer, victim)).as("known hosts heard the verdict too").isFalse();
        assertThat(detectors.get(observer).stats().confirmed()).isEqualTo(1);
    }

    @Test
    void shouldNotConfirmALivePeerUnder5PercentLoss() {
        Simulation sim = sims.create(Faults.lan());
        List<SimNode> nodes = network(sim, HealthConfig.defaults());
        sim.faults(Faults.lan().withLoss(0.05));
        for (SimNode node : nodes) {
            node.node().every(Duration.ofMillis(200), self -> {
                List<KnownHost> known = hosts.get(node).hosts();
                if (!known.isEmpty()) {
                    KnownHost peer = known.get((int) (sim.nowMs() / 200 + node.index()) % known.size());
                    self.request(peer.address(), "app/anything", new byte[0], Duration.ofMillis(300));
                }
            });
        }

        sim.runFor(Duration.ofMinutes(10));

        HealthStats total = total();
        double falsePositiveRate = (double) total.confirmed() / total.suspected();
        System.out.printf(Locale.ROOT, "5%% loss: %d suspicions of live peers, %d refuted, %d confirmed dead "
                + "(false-positive rate %.5f), %d probes (seed %d)%n", total.suspected(), total.refuted(),
            total.confirmed(), falsePositiveRate, total.probesSent(), sim.seed());
        assertThat(total.suspected()).as("enough suspicions to measure a rate").isGreaterThan(1_000);
        assertThat(total.confirmed()).as("live peers confirmed dead (seed %d)", sim.seed()).isZero();
        failures.values().forEach(log -> assertThat(log.silent()).isZero());
    }

    @Test
    void shouldRefuteSuspicionWhenThePeerAnswers() {
        Simulation sim = sims.create(Faults.lan());
        HealthConfig noHelpers = HealthConfig.defaults().withIndirectProbes(0);
        List<SimNode> nodes = network(sim, noHelpers);
        SimNode observer = nodes.get(2);
        SimNode suspect = nodes.get(9);

        sim.block(observer, suspect);
        observer.node().request(suspect.address(), "app/anything", new byte[0], PROBE_TIMEOUT);
        sim.runFor(Duration.ofSeconds(3));
        assertThat(detectors.get(observer).stats().suspected()).as("suspected after the timeout").isEqualTo(1);
        sim.unblock(observer, suspect);
        sim.runFor(Duration.ofSeconds(20));

        HealthStats stats = detectors.get(observer).stats();
        assertThat(stats.refuted()).as("the suspect answered the next ping").isEqualTo(stats.suspected());
        assertThat(stats.confirmed()).isZero();
        assertThat(failures.get(observer).silent()).isZero();
    }

    @Test
    void shouldRefuteSuspicionWhenAHelperReachesThePeer() {
        Simulation sim = sims.create(Faults.lan());
        List<SimNode> nodes = network(sim, HealthConfig.defaults());
        SimNode observer = nodes.get(3);
        SimNode suspect = nodes.get(10);

        sim.block(observer, suspect);
        observer.node().request(suspect.address(), "app/anything", new byte[0], PROBE_TIMEOUT);
        sim.runFor(Duration.ofSeconds(30));

        HealthStats stats = detectors.get(observer).stats();
        assertThat(stats.suspected()).isPositive();
        assertThat(stats.refuted()).as("helpers on other links reached it").isEqualTo(stats.suspected());
        assertThat(stats.confirmed()).isZero();
    }

    @Test
    void shouldPingASilentPeerOncePerIntervalForOthersHoweverManyAsk() {
        Simulation sim = sims.create(Faults.lan());
        List<SimNode> nodes = network(sim, HealthConfig.defaults());
        SimNode victim = nodes.get(4);

        victim.vanish();
        for (SimNode node : nodes) {
            if (node != victim) {
                node.node().request(victim.address(), "app/anything", new byte[0], PROBE_TIMEOUT);
            }
        }
        sim.runFor(Duration.ofSeconds(10));

        long asked = 0;
        for (SimNode node : nodes) {
            if (node == victim) {
                continue;
            }
            NodeStats stats = node.node().stats();
            long pings = stats.sentByRoute().getOrDefault(FailureDetector.PING_ROUTE, RouteTraffic.NONE).requests();
            long pingReqs = stats.sentByRoute().getOrDefault(FailureDetector.PING_REQ_ROUTE, RouteTraffic.NONE).requests();
            long relayedPings = pings - (detectors.get(node).stats().probesSent() - pingReqs);
            asked += pingReqs;
            assertThat(relayedPings).as("pings %s sent for others", node).isLessThanOrEqualTo(1);
            assertThat(failures.get(node).silentAtMs).containsKey(victim.id());
        }
        assertThat(asked).as("indirect probes asked for").isGreaterThan(NODES);
    }
}
