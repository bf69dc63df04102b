package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    private static long requestsSent(SimNode node, String route) {
        return node.node().stats().requestsSentByRoute().getOrDefault(route, 0L);
    }

    @Test
    void shouldRefreshAPublishedListsHostsInPlaceButKeepItsMembersWhenHostsComeLater() {
        Simulation sim = sims.create();
        SimNode first = bootstrappedNode(sim, FAST, List.of());
        SimNode second = bootstrappedNode(sim, FAST, List.of(first.address().hostPort()));
        sim.runFor(Duration.ofSeconds(5));
        List<KnownHost> published = lists.get(first).hosts();
        assertThat(published).extracting(host -> host.address().id()).containsExactly(second.id());
        long uptimeThen = published.get(0).quality().uptimeMs();

        sim.runFor(Duration.ofSeconds(30));
        assertThat(published.get(0).quality().uptimeMs()).as("refreshed in place by later polls").isGreaterThan(uptimeThen);
        assertThat(published.get(0)).isSameAs(lists.get(first).hosts().get(0));

        bootstrappedNode(sim, FAST, List.of(first.address().hostPort()));
        sim.runFor(Duration.ofSeconds(30));
        assertThat(lists.get(first).hosts()).hasSize(2);
        assertThat(published).extracting(host -> host.address().id()).as("the list read before the third came")
            .containsExactly(second.id());
        assertThatThrownBy(() -> published.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldPollAHostThatKeepsAnsweringLessAndLessOftenUpToTheLongestInterval() {
        Simulation sim = sims.create();
        SimNode first = bootstrappedNode(sim, FAST, List.of());
        SimNode second = bootstrappedNode(sim, FAST, List.of(first.address().hostPort()));
        sim.runFor(Duration.ofSeconds(30));
        assertThat(known(first)).containsExactly(second.id());
        long before = requestsSent(first, KnownHosts.POLL_ROUTE);
        sim.runFor(Duration.ofMinutes(10));
        long polls = requestsSent(first, KnownHosts.POLL_ROUTE) - before;
        // A fixed interval would poll 600 times; at the longest interval (6 s, rounds of 1 s) it is 86.
        assertThat(polls).as("polls of a stable host in 10 virtual minutes").isBetween(60L, 110L);
        assertThat(known(first)).containsExactly(second.id());
    }

    @Test
    void shouldAdmitAPollerOnTheQualityItSendsWithoutPollingItBack() {
        Simulation sim = sims.create();
        SimNode first = bootstrappedNode(sim, FAST, List.of());
        SimNode second = bootstrappedNode(sim, FAST, List.of(first.address().hostPort()));
        boolean admitted = sim.runUntil(() -> known(first).contains(second.id()), Duration.ofSeconds(10));
        assertThat(admitted).isTrue();
        assertThat(requestsSent(first, KnownHosts.POLL_ROUTE)).as("polls the first node sent to admit the poller").isZero();
    }

    @Test
    void shouldStopAskingForSamplesOnceTheyBringNoNewHosts() {
        Simulation sim = sims.create();
        SimNode seed = bootstrappedNode(sim, FAST, List.of());
        List<SimNode> nodes = new ArrayList<>(List.of(seed));
        for (int i = 0; i < 9; i++) {
            nodes.add(bootstrappedNode(sim, FAST, List.of(seed.address().hostPort())));
        }
        sim.runFor(Duration.ofSeconds(60));
        nodes.forEach(node -> assertThat(known(node)).hasSize(9));
        long before = nodes.stream().mapToLong(node -> requestsSent(node, KnownHosts.SAMPLE_ROUTE)).sum();
        sim.runFor(Duration.ofMinutes(10));
        long samples = nodes.stream().mapToLong(node -> requestsSent(node, KnownHosts.SAMPLE_ROUTE)).sum() - before;
        // Asking at every 1 s poll round, the ten nodes (lists never full) would ask 6,000 times; backed off to 6 s, 1,000.
        assertThat(samples).as("samples asked in 10 virtual minutes by 10 nodes that know each other").isLessThanOrEqualTo(1_010L);
    }

    private static final KnownHostsConfig DEFAULTS = KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 1_000);

    /** 51 nodes with the default settings that formed for a minute, and a newcomer bootstrapped 5 s ago. */
    private SimNode newcomerFiveSecondsIntoAFormedNetworkOf51(Simulation sim) {
        SimNode seed = bootstrappedNode(sim, DEFAULTS, List.of());
        for (int i = 0; i < 50; i++) {
            bootstrappedNode(sim, DEFAULTS, List.of(seed.address().hostPort()));
        }
        sim.runFor(Duration.ofSeconds(60));
        SimNode newcomer = bootstrappedNode(sim, DEFAULTS, List.of(seed.address().hostPort()));
        sim.runFor(Duration.ofSeconds(5));
        return newcomer;
    }

    @Test
    void shouldAskForSamplesOnAdmissionOneAtATimeAndOnlyUntilItKnowsSixteen() {
        Simulation sim = sims.create();
        SimNode newcomer = newcomerFiveSecondsIntoAFormedNetworkOf51(sim);
        // Before its first periodic round (10 s): asking every host it admits while its list of 64 has room, it
        // would ask about 50; asking each it admits while it knows fewer than 16, 16; one at a time, and only while
        // the hosts it knows and polls are fewer than 16 (one sample names up to 16 candidates), 2.
        assertThat(known(newcomer)).as("hosts the newcomer knows after 5 s").hasSizeGreaterThanOrEqualTo(16);
        assertThat(requestsSent(newcomer, KnownHosts.SAMPLE_ROUTE)).as("samples the newcomer asked for in 5 s")
            .isLessThanOrEqualTo(4L);
    }

    @Test
    void shouldFillItsListBeyondSixteenHostsAFewARoundNotAllFromItsFirstSamples() {
        Simulation sim = sims.create();
        SimNode newcomer = newcomerFiveSecondsIntoAFormedNetworkOf51(sim);
        // The samples it asked for while it knew fewer than 16 name most of the 51 hosts: polling all of them while
        // its list had room cost about 50 polls in its first seconds.
        assertThat(known(newcomer)).as("hosts the newcomer knows after 5 s").hasSizeGreaterThanOrEqualTo(16);
        assertThat(requestsSent(newcomer, KnownHosts.POLL_ROUTE)).as("polls the newcomer sent in 5 s").isLessThanOrEqualTo(30L);
        sim.runFor(Duration.ofMinutes(3));
        assertThat(known(newcomer)).as("hosts the newcomer knows after 3 minutes").hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void shouldNotPollSampledCandidatesItHasNoRoomFor() {
        Simulation sim = sims.create();
        KnownHostsConfig eight = DEFAULTS.withCapacity(8);
        SimNode seed = bootstrappedNode(sim, eight, List.of());
        List<SimNode> nodes = new ArrayList<>(List.of(seed));
        for (int i = 0; i < 60; i++) {
            nodes.add(bootstrappedNode(sim, eight, List.of(seed.address().hostPort())));
        }
        sim.runFor(Duration.ofSeconds(30));
        nodes.forEach(node -> assertThat(known(node)).hasSize(8));
        long polls = nodes.stream().mapToLong(node -> requestsSent(node, KnownHosts.POLL_ROUTE)).sum();
        // Polling every candidate of every sample, these 61 nodes poll 1,838 times in their first 30 s (most of those
        // candidates turned away by lists already full); polling only candidates they have room for, 953.
        assertThat(polls).as("polls sent by 61 nodes with room for 8 hosts each in 30 s").isLessThan(1_300L);
    }
    @Test
    void shouldWaitTwoPollIntervalsBeforeFirstPollingAHostItAdmittedOnAPollExchange() {
        Simulation sim = sims.create();
        KnownHostsConfig one = FAST.withCapacity(1); // a full list: no peer exchange, only polls between the two
        SimNode first = bootstrappedNode(sim, one, List.of());
        SimNode second = bootstrappedNode(sim, one, List.of(first.address().hostPort()));
        boolean admitted = sim.runUntil(() -> known(first).contains(second.id()) && known(second).contains(first.id()),
            Duration.ofSeconds(10));
        assertThat(admitted).isTrue();
        long before = requestsSent(first, KnownHosts.POLL_ROUTE) + requestsSent(second, KnownHosts.POLL_ROUTE);
        sim.runFor(Duration.ofMillis(FAST.pollIntervalMs() * 3 / 2));
        // The exchange that admitted each (the second's poll, the first's answer) counts as the first poll answered:
        // neither is polled again before twice the first interval.
        assertThat(requestsSent(first, KnownHosts.POLL_ROUTE) + requestsSent(second, KnownHosts.POLL_ROUTE) - before)
            .as("polls between the two in the 1.5 poll intervals after they admitted each other").isZero();
        sim.runFor(Duration.ofMillis(FAST.pollIntervalMs() * 2));
        assertThat(requestsSent(first, KnownHosts.POLL_ROUTE) + requestsSent(second, KnownHosts.POLL_ROUTE) - before)
            .as("polls between the two by 3.5 poll intervals after they admitted each other").isPositive();
    }
}
