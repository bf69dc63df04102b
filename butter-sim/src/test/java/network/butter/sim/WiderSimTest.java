package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import network.butter.api.Limits;
import network.butter.api.Reply;
import network.butter.discover.Bootstrap;
import network.butter.env.PathKind;
import network.butter.hosts.KnownHost;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wider.AmbassadorMode;
import network.butter.wider.Reachability;
import network.butter.wider.Wider;
import network.butter.wider.WiderConfig;
import network.butter.wider.WiderState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wider layer on the simulator's NAT model: public ambassadors and home LANs behind routers of each kind; every
 * node finds out how it can be reached, and every node comes to know and reach every other.
 */
class WiderSimTest {

    private static final KnownHostsConfig HOSTS = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withPolling(1_000, 300);
    private static final WiderConfig WIDER = WiderConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120);

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private final Map<PeerId, Wider> layers = new HashMap<>();
    private final Map<PeerId, KnownHosts> lists = new HashMap<>();

    private SimNode.Setup setup(List<HostPort> bootstrap) {
        return setup(bootstrap, HOSTS, WIDER);
    }

    private SimNode.Setup setup(List<HostPort> bootstrap, KnownHostsConfig hostsConfig, WiderConfig widerConfig) {
        return (self, node) -> {
            KnownHosts hosts = new KnownHosts(hostsConfig, () -> 0L);
            Wider wider = self.portMapper().map(mapper -> new Wider(widerConfig, SimPortMapping.start(mapper)))
                .orElseGet(() -> new Wider(widerConfig));
            lists.put(self.id(), hosts);
            layers.put(self.id(), wider);
            node.install(hosts);
            node.install(new Bootstrap(bootstrap, hosts, 500));
            node.install(wider);
            node.handle("echo", request -> Reply.of(request.payload()));
        };
    }

    private WiderState state(SimNode node) {
        return layers.get(node.id()).state();
    }

    private boolean settled(List<SimNode> nodes) {
        for (SimNode node : nodes) {
            WiderState state = state(node);
            if (state.reachability() == Reachability.UNKNOWN
                || state.reachability() == Reachability.PRIVATE && state.advertised().size() < 2) {
                return false;
            }
        }
        return true;
    }

    private List<String> unsettled(List<SimNode> nodes) {
        List<SimNode> stuck = new ArrayList<>(nodes);
        stuck.removeIf(node -> settled(List.of(node)));
        return stuck.stream().map(node -> node + " " + node.homeLan().map(lan -> lan.kind().label()).orElse("public")
            + ": " + state(node).describe() + ", " + state(node).advertised().size() + " addresses, knows "
            + lists.get(node.id()).hosts().size() + ", " + layers.get(node.id()).stats()).toList();
    }

    @Test
    void shouldLetEveryNodeBehindEveryKindOfRouterBeReachedByEveryOther() {
        Simulation sim = sims.create();
        List<SimNode> ambassadors = new ArrayList<>();
        List<HostPort> bootstrap = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SimNode node = sim.spawn(Limits.defaults(), setup(List.copyOf(bootstrap)));
            ambassadors.add(node);
            bootstrap.add(node.address().hostPort());
        }
        List<SimNode> all = new ArrayList<>(ambassadors);
        List<SimNode> restricted = new ArrayList<>();
        List<SimNode> symmetric = new ArrayList<>();
        List<SimNode> mapped = new ArrayList<>();
        Map<RouterKind, List<SimNode>> lans = Map.of(RouterKind.portRestricted(), restricted,
            RouterKind.symmetric(), symmetric, RouterKind.portRestricted().withPortMapping(), mapped);
        for (RouterKind kind : List.of(RouterKind.portRestricted(), RouterKind.portRestricted(), RouterKind.symmetric(),
            RouterKind.portRestricted().withPortMapping())) {
            HomeLan lan = sim.homeLan(kind);
            for (int i = 0; i < 2; i++) {
                SimNode node = sim.spawnBehind(lan, Limits.defaults(), setup(bootstrap));
                lans.get(kind).add(node);
                all.add(node);
            }
        }

        boolean settled = sim.runUntil(() -> settled(all), Duration.ofMinutes(10));

        assertThat(settled).as("every node reached a verdict (and private ones two relays) in 10 virtual minutes")
            .isTrue();
        ambassadors.forEach(node -> {
            assertThat(state(node).reachability()).isEqualTo(Reachability.PUBLIC);
            assertThat(state(node).ambassador()).isTrue();
            assertThat(state(node).advertised()).containsExactly(node.address());
        });
        mapped.forEach(node -> {
            assertThat(state(node).reachability()).as("port-mapped").isEqualTo(Reachability.PUBLIC);
            assertThat(state(node).ambassador()).as("port-mapped, so public: an ambassador too").isTrue();
            assertThat(state(node).advertised().getFirst().host()).isEqualTo(node.homeLan().orElseThrow().publicIp());
        });
        // A port-mapped node is as public as the first four: which of them relays a private node is a matter of
        // which it came to know first.
        List<SimNode> publicNodes = new ArrayList<>(ambassadors);
        publicNodes.addAll(mapped);
        List<SimNode> relayed = new ArrayList<>(restricted);
        relayed.addAll(symmetric);
        relayed.forEach(node -> {
            assertThat(state(node).reachability()).isEqualTo(Reachability.PRIVATE);
            assertThat(state(node).advertised()).allSatisfy(address -> {
                assertThat(address.isRelayed()).isTrue();
                assertThat(publicNodes.stream().map(SimNode::id)).as("relays are public ambassadors").contains(address.relay());
            });
        });

        sim.runFor(Duration.ofMinutes(2));
        for (SimNode node : all) {
            List<PeerId> known = lists.get(node.id()).hosts().stream().map(KnownHost::address).map(PeerAddress::id)
                .toList();
            assertThat(known).as("%s knows every other node", node).hasSize(all.size() - 1);
        }
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (SimNode from : all) {
            for (SimNode to : all) {
                if (from != to) {
                    replies.add(from.node().request(state(to).advertised().getFirst(), "echo",
                        "hi".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30)));
                }
            }
        }
        sim.runUntil(() -> replies.stream().allMatch(CompletableFuture::isDone), Duration.ofMinutes(2));
        assertThat(replies).allSatisfy(reply -> assertThat(reply).isCompletedWithValueMatching(r -> r.text().equals("hi")));
        Map<PathKind, Long> open = sim.openConnections();
        System.out.println("open connections by path: " + open + ", " + sim.networkStats());
        assertThat(open.get(PathKind.PUNCHED)).as("nodes behind two port-restricted routers punch through")
            .isEqualTo(4);
        for (SimNode a : restricted) {
            for (SimNode b : symmetric) {
                assertThat(a.path(b.id())).as("port-restricted to symmetric stays relayed").contains(PathKind.RELAYED);
            }
        }
    }

    @Test
    void shouldLetNodesBehindRoutersWithoutPortMappingKnowEachOtherWithinSecondsOfJoiningWithDefaultSettings() {
        Simulation sim = sims.create();
        KnownHostsConfig defaults = KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120);
        List<HostPort> bootstrap = new ArrayList<>();
        List<SimNode> all = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            SimNode ambassador = sim.spawn(Limits.defaults(),
                setup(List.copyOf(bootstrap), defaults, WIDER.withAmbassador(AmbassadorMode.ON)));
            bootstrap.add(ambassador.address().hostPort());
        }
        sim.runFor(Duration.ofSeconds(5)); // the ambassadors know each other before the others join
        long joinedAtMs = sim.nowMs();
        for (RouterKind kind : List.of(RouterKind.portRestricted(), RouterKind.portRestricted(), RouterKind.symmetric(),
            RouterKind.symmetric())) {
            all.add(sim.spawnBehind(sim.homeLan(kind), Limits.defaults(), setup(bootstrap, defaults, WIDER)));
        }

        boolean allKnown = sim.runUntil(() -> all.stream().allMatch(node -> lists.get(node.id()).hosts().stream()
            .map(host -> host.address().id()).filter(id -> all.stream().anyMatch(other -> other.id().equals(id)))
            .count() == all.size() - 1), Duration.ofSeconds(60));

        assertThat(allKnown).as("every node behind a NAT knows every other one within a minute").isTrue();
        assertThat(sim.nowMs() - joinedAtMs).as("milliseconds from joining until every pair knows each other, where "
            + "a verdict (three dial-back answers) and a poll round (10 s) each took longer before").isLessThan(10_000);
    }

    @Test
    void shouldMakeEveryNodeOfANetworkSeventyPercentBehindNatsReachableByOthers() {
        Simulation sim = Simulation.builder().seed(sims.seed()).faults(Faults.lan())
            .nat(new NatPlan(0.7, 0.5, 0.25, 2)).build();
        List<SimNode> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(sim.spawn(Limits.defaults(), setup(List.of())));
        }
        List<PeerAddress> bootstrap = all.stream().filter(node -> !node.behindNat()).limit(3).map(SimNode::address)
            .toList();
        assertThat(bootstrap).as("public nodes to join by").isNotEmpty();
        sim.runFor(Duration.ofMillis(1));
        all.forEach(node -> bootstrap.forEach(lists.get(node.id())::offer));

        boolean settled = sim.runUntil(() -> settled(all), Duration.ofMinutes(10));

        assertThat(settled).as("every node reached a verdict (and private ones two relays) in 10 virtual minutes: %s",
            unsettled(all)).isTrue();
        sim.runFor(Duration.ofSeconds(30)); // known-host lists follow the addresses just advertised
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (SimNode from : all) {
            for (int k = 1; k <= 5; k++) {
                SimNode to = all.get((all.indexOf(from) + 7 * k) % all.size());
                replies.add(from.node().request(state(to).advertised().getFirst(), "echo",
                    "hi".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30)));
            }
        }
        sim.runUntil(() -> replies.stream().allMatch(CompletableFuture::isDone), Duration.ofMinutes(2));
        assertThat(replies).allSatisfy(reply -> assertThat(reply).isCompletedWithValueMatching(r -> r.text().equals("hi")));
        long behindNat = all.stream().filter(SimNode::behindNat).count();
        System.out.println(behindNat + " of " + all.size() + " behind NATs; open connections by path: "
            + sim.openConnections());
    }
}
