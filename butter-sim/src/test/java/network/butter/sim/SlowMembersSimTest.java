package network.butter.sim;

import static network.butter.sim.StorageNodes.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import network.butter.api.Limits;
import network.butter.api.Reply;
import network.butter.discover.LanDiscovery;
import network.butter.discover.LanDiscoveryConfig;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.PeerId;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.protocol.LoopHandler;
import network.butter.protocol.Protocol;
import network.butter.protocol.ForwardingProtocolContext;
import network.butter.protocol.ProtocolContext;
import network.butter.store.ContentId;
import network.butter.store.MemoryChunkStore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Honest members that are slow, not absent: a busy node answers late, and what it answered must not be held against
 * it as if it had never answered. Only an explicit "not held" or a wrong proof may cost a member its place.
 */
class SlowMembersSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private static final KnownHostsConfig FAST_HOSTS = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withPolling(1_000, 300);
    private static final PcgConfig CONFIG = PcgConfig.defaults().withHeartbeatIntervalMs(1_000).withChunkBytes(1024);
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final Map<SimNode, PeerContentGroups> storage = new HashMap<>();
    private final Map<SimNode, LateBeats> lateBeats = new HashMap<>();

    @Test
    void shouldKeepCountingAMemberWhoseAnswersWithTheProofArriveTooLate() {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            nodes.add(node(sim));
        }
        sim.runFor(Duration.ofSeconds(5));
        SimNode owner = nodes.getFirst();
        ContentId id = sim.await(storage.get(owner).put(text("held by a busy member")), LIMIT);
        sim.runUntil(() -> StorageNodes.holders(sim, storage, id).size() == 3, LIMIT);
        sim.runFor(Duration.ofSeconds(3));
        List<SimNode> members = StorageNodes.holders(sim, storage, id);
        SimNode busy = members.stream().filter(n -> n != owner).findFirst().orElseThrow();

        // From now on every other answer the busy member gives to a beat comes too late for its asker (whose retry is
        // answered in time); its own beats go out as usual. It holds the block and answers every challenge.
        lateBeats.get(busy).everyOther = true;
        Set<PeerId> everHeld = new HashSet<>();
        for (int second = 0; second < 60; second++) {
            sim.runFor(Duration.ofSeconds(1));
            StorageNodes.holders(sim, storage, id).forEach(holder -> everHeld.add(holder.id()));
        }

        assertThat(lateBeats.get(busy).late).as("beat answers the busy member gave too late").isPositive();
        assertThat(everHeld).as("nodes that held the block while its member was busy (seed %d)", sim.seed())
            .containsExactlyInAnyOrderElementsOf(members.stream().map(SimNode::id).toList());
        for (SimNode member : members) {
            assertThat(sim.await(storage.get(member).liveMembers(id), LIMIT)).as("live members at %s (seed %d)", member, sim.seed())
                .contains(busy.id());
        }
    }

    private SimNode node(Simulation sim) {
        return sim.spawn(Limits.defaults(), (self, api) -> {
            KnownHosts hosts = new KnownHosts(FAST_HOSTS, () -> 0L);
            PeerContentGroups groups = new PeerContentGroups(CONFIG, new MemoryChunkStore(1 << 20));
            LateBeats late = new LateBeats(groups);
            storage.put(self, groups);
            lateBeats.put(self, late);
            api.install(hosts);
            api.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
            api.install(late);
        });
    }

    /**
     * Storage whose answers to beats, once {@link #everyOther} is set, alternate per asker between on time and never
     * (the asker's wait runs out): what a node busy with other work looks like to its partners. The answer is computed
     * either way, as a busy node would, and only its delivery is lost.
     */
    private static final class LateBeats implements Protocol {
        private final PeerContentGroups inner;
        private final Set<PeerId> lastWasLate = new HashSet<>();
        boolean everyOther;
        int late;

        LateBeats(PeerContentGroups inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void start(ProtocolContext context) {
            inner.start(new ForwardingProtocolContext(context) {
                @Override
                public void handle(String route, LoopHandler handler) {
                    if (!route.equals(PeerContentGroups.BEAT_ROUTE)) {
                        super.handle(route, handler);
                        return;
                    }
                    super.handleAsync(route, request -> {
                        Reply reply = handler.handle(request);
                        PeerId asker = request.from().id();
                        if (everyOther && lastWasLate.add(asker)) {
                            late++;
                            return new CompletableFuture<>();
                        }
                        lastWasLate.remove(asker);
                        return CompletableFuture.completedFuture(reply);
                    });
                }
            });
        }

        @Override
        public CompletableFuture<Void> leave() {
            return inner.leave();
        }

        @Override
        public void stop() {
            inner.stop();
        }
    }
}
