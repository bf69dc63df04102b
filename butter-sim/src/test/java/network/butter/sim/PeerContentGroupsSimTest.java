package network.butter.sim;

import static network.butter.sim.StorageNodes.causeOf;
import static network.butter.sim.StorageNodes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.SplittableRandom;
import network.butter.api.Limits;
import network.butter.api.Reply;
import network.butter.discover.LanDiscovery;
import network.butter.discover.LanDiscoveryConfig;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.PeerId;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.persist.StorageException;
import network.butter.persist.Tombstone;
import network.butter.store.ChunkStore;
import network.butter.store.ContentId;
import network.butter.store.MemoryChunkStore;
import network.butter.store.OwnedBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Peer Content Groups on the simulator: puts, repair, leadership, trimming, deletes, updates, corruption. */
class PeerContentGroupsSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private static final KnownHostsConfig FAST_HOSTS = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withPolling(1_000, 300);
    private static final PcgConfig CONFIG = PcgConfig.defaults().withFixedReplication(3).withHeartbeatIntervalMs(1_000)
        .withChunkBytes(1024);
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** Stores outlive crashes, like disks: a restarted node finds its chunks again. */
    private final Map<SimNode, ChunkStore> disks = new HashMap<>();
    private final Map<SimNode, PeerContentGroups> storage = new HashMap<>();
    private PcgConfig config = CONFIG;

    private SimNode node(Simulation sim, long capacityBytes) {
        return node(sim, new MemoryChunkStore(capacityBytes));
    }

    private SimNode node(Simulation sim, ChunkStore store) {
        return sim.spawn(Limits.defaults(), (self, api) -> {
            ChunkStore disk = disks.computeIfAbsent(self, s -> store);
            KnownHosts hosts = new KnownHosts(FAST_HOSTS, () -> 0L);
            PeerContentGroups groups = new PeerContentGroups(config, disk);
            storage.put(self, groups);
            api.install(hosts);
            api.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
            api.install(groups);
        });
    }

    private List<SimNode> cluster(Simulation sim, int size) {
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(node(sim, 1 << 20));
        }
        sim.runFor(Duration.ofSeconds(5));
        return nodes;
    }

    private List<SimNode> holders(Simulation sim, ContentId block) {
        return StorageNodes.holders(sim, storage, block);
    }

    @Test
    void shouldAcknowledgeAPutOnceAWriteQuorumHoldsItAndFillTheGroupToR() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("hello groups")), LIMIT);

        assertThat(holders(sim, id)).hasSizeGreaterThanOrEqualTo(CONFIG.writeQuorum());
        assertThat(sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT)).as("group goldilocks").isTrue();
        sim.runFor(Duration.ofSeconds(10));
        assertThat(holders(sim, id)).as("stays at r").hasSize(3);
        assertThat(sim.await(storage.get(nodes.get(7)).get(id), LIMIT)).isEqualTo(text("hello groups"));
    }

    @Test
    void shouldAcknowledgeContentPutAgainOnceAWriteQuorumHoldsItThoughTheNetworkIsSmallerThanItsTargetGroup() {
        config = CONFIG.withAdaptiveReplication(5, 1e-6); // a fresh node aims at 5 members; only 3 nodes exist
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 3);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("a small network")), LIMIT);
        assertThat(sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT)).as("every node holds it").isTrue();

        assertThat(sim.await(storage.get(nodes.get(0)).put(text("a small network")), LIMIT)).isEqualTo(id);
    }

    /** Longer than the global per-test limit: 25 minutes of simulated calm. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldRaiseGroupsUnderSilentDeathsAndBringThemBackToRWhenCalm() {
        config = CONFIG.withAdaptiveReplication(5, 1e-6);
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 12);
        SimNode owner = nodes.getFirst();
        List<ContentId> items = new ArrayList<>();
        for (int item = 0; item < 4; item++) {
            items.add(sim.await(storage.get(owner).put(text("up and down, item " + item)), LIMIT));
        }
        sim.runFor(Duration.ofSeconds(5));
        // A death every two seconds for 40 s, each replaced by a newcomer; the owner stays.
        for (int death = 0; death < 20; death++) {
            List<SimNode> others = sim.running().stream().filter(n -> n != owner && !n.dark()).toList();
            others.get(death * 7 % others.size()).vanish();
            node(sim, 1 << 20);
            sim.runFor(Duration.ofSeconds(2));
        }
        int raised = items.stream().mapToInt(item -> holders(sim, item).size()).max().orElse(0);
        assertThat(raised).as("most holders of an item at the end of the churn").isGreaterThan(CONFIG.replication());

        sim.runFor(Duration.ofMinutes(25));
        for (ContentId item : items) {
            assertThat(holders(sim, item)).as("holders of " + item + " after 25 minutes of calm").hasSize(CONFIG.replication());
        }
    }

    @Test
    void shouldKeepContentStoredBeforeAnyChurnWasSeenWhenThreeOfItsHoldersDieSilentlyAtOnce() {
        // The seed's experiment at 1/50 (silent deaths, seed 5) lost an item stored just before churn began: two of its
        // three members went dark at once, the third a second later, before any beat could find the first two, and no
        // member had seen a death yet to raise the group. Under adaptive replication, churn not yet watched is
        // assumed, not ruled out: fresh nodes store with spare copies and come down to r once they have seen calm.
        config = CONFIG.withAdaptiveReplication(5, 1e-6);
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 12);
        ContentId id = sim.await(storage.get(nodes.getFirst()).put(text("stored on the eve of churn")), LIMIT);
        sim.runFor(Duration.ofSeconds(2));
        List<SimNode> holders = holders(sim, id);
        SimNode reader = nodes.stream().filter(n -> !holders.contains(n)).findFirst().orElseThrow();

        holders.stream().limit(3).forEach(SimNode::vanish);

        assertThat(sim.await(storage.get(reader).get(id), LIMIT)).as("read after three of %s holders went dark", holders.size())
            .isEqualTo(text("stored on the eve of churn"));
    }

    @Test
    void shouldRepairAGroupWhenAMemberCrashes() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("survive a crash")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);

        SimNode lowest = holders(sim, id).stream().min((a, b) -> a.id().compareTo(b.id())).orElseThrow();
        lowest.crash();
        long crashedAt = sim.nowMs();
        assertThat(sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT)).as("repaired").isTrue();
        assertThat(sim.nowMs() - crashedAt).as("repair time, ms (reset connections are noticed at once)")
            .isLessThan(2_500L);
        assertThat(holders(sim, id)).doesNotContain(lowest);
    }

    @Test
    void shouldNoticeASilentDeathFromUnansweredBeatsLongBeforeTheRequestOrMemberTimeout() {
        // Requests may take 5 s and members may be silent 5 s: a death noticed only by those would take 5 s or more.
        config = new PcgConfig(3, 2, 1_000, 0.25, 5.0, 5_000, 1024, 256, 3, 1e-6);
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("gone without a word")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        sim.runFor(Duration.ofSeconds(3)); // beats have measured the round trip
        SimNode lost = holders(sim, id).stream().filter(n -> n != nodes.get(0)).findFirst().orElseThrow();

        lost.vanish();
        long vanishedAt = sim.nowMs();
        assertThat(sim.runUntil(() -> holders(sim, id).stream().filter(n -> n != lost).count() == 3, LIMIT))
            .as("repaired").isTrue();
        assertThat(sim.nowMs() - vanishedAt)
            .as("repair time after a silent death, ms (no reset: only beats unanswered within their fitted timeout tell)")
            .isLessThan(2_500L);
    }

    @Test
    void shouldFindASecondSilentDeathInTheSameGroupWithinRoundTripsOfTheFirstNotAtTheNextRound() {
        // Two of three members go dark, the second a little after the first (each trial a fresh simulation, the gap
        // 100 to 955 ms). The survivor finds the first death by a beat; if the second died after the survivor's last
        // exchange with it, only the pair's next exchange would find it, up to a heartbeat interval while one copy is
        // left, unless the survivor checks the group's other members as soon as it finds the first silent.
        List<Long> repairMs = new ArrayList<>();
        for (int trial = 0; trial < 20; trial++) {
            Simulation sim = Simulation.builder().seed(sims.seed() + trial).faults(Faults.lan()).build();
            List<SimNode> nodes = cluster(sim, 10);
            ContentId id = sim.await(storage.get(nodes.get(0)).put(text("two go dark " + trial)), LIMIT);
            sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
            sim.runFor(Duration.ofSeconds(3)); // beats have measured the round trip
            List<SimNode> lost = holders(sim, id).subList(0, 2);
            lost.getFirst().vanish();
            sim.runFor(Duration.ofMillis(100 + 45L * trial));
            lost.getLast().vanish();
            long vanishedAt = sim.nowMs();
            assertThat(sim.runUntil(() -> holders(sim, id).stream().filter(n -> !lost.contains(n)).count() == 3, LIMIT))
                .as("repaired, trial " + trial).isTrue();
            repairMs.add(sim.nowMs() - vanishedAt);
        }
        // A second death after the survivor's last check of it can only be found at the pair's next exchange (an
        // interval on, then a beat timeout and a retry): some trials always take that long. Found by the checks, the
        // mean repair is about 1.1-1.2 s over seeds 1-6; left to the next exchanges, about 1.4-1.5 s.
        assertThat(repairMs.stream().mapToLong(Long::longValue).average().orElseThrow())
            .as("mean repair after the second silent death, ms, of " + repairMs)
            .isLessThan(1_300.0);
    }

    @Test
    void shouldExchangeBeatsWithEachPartnerOncePerIntervalNotOnceFromEachSide() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 3);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("three partners")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        sim.runFor(Duration.ofSeconds(5));
        long before = beatsSent(nodes);
        sim.runFor(Duration.ofSeconds(60));
        // Three pairs, 1 s heartbeats: 180 exchanges in 60 s if each pair beats once per interval. Each side starting
        // one whenever its own round found the last more than three quarters of an interval old made 267.
        assertThat(beatsSent(nodes) - before).as("beats sent by three partners in 60 virtual seconds")
            .isBetween(170L, 195L);
    }

    @Test
    void shouldCheckTheOtherMembersAtOnceOnlyWhenAMemberWentSilentNotWhenItWasReset() {
        long before = 0;
        long after = 0;
        for (int trial = 0; trial < 10; trial++) {
            Simulation sim = Simulation.builder().seed(sims.seed() + trial).faults(Faults.lan()).build();
            List<SimNode> nodes = cluster(sim, 8);
            List<ContentId> items = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                items.add(sim.await(storage.get(nodes.get(i % 8)).put(text("item " + i + " of trial " + trial)), LIMIT));
            }
            sim.runUntil(() -> items.stream().allMatch(item -> holders(sim, item).size() == 3), LIMIT);
            sim.runFor(Duration.ofSeconds(5));
            SimNode crashing = holders(sim, items.getFirst()).getFirst();
            List<SimNode> survivors = nodes.stream().filter(node -> node != crashing).toList();
            long start = beatsSent(survivors);
            sim.runFor(Duration.ofMillis(1_500));
            before += beatsSent(survivors) - start;
            crashing.crash();
            start = beatsSent(survivors);
            sim.runFor(Duration.ofMillis(1_500));
            after += beatsSent(survivors) - start;
        }
        assertThat(after).as("beats the survivors sent in the 1.5 s after a crash (10 trials), against the 1.5 s before: %d", before)
            .isLessThanOrEqualTo(before);
    }

    @Test
    void shouldFirstAuditANewPartnerAnAuditPeriodAfterItBecameOne() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 3);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("audited later")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        sim.runFor(Duration.ofSeconds(1)); // the members' claims of each other, checked by a read each, are done
        long before = fetchesSent(nodes);
        sim.runFor(Duration.ofSeconds(6));
        // An audit period is 8 heartbeat intervals (8 s here): every member has just shown it holds the block.
        assertThat(fetchesSent(nodes) - before).as("audit reads in the 6 s after the group formed").isZero();
        sim.runFor(Duration.ofSeconds(20));
        assertThat(fetchesSent(nodes) - before).as("audit reads by 27 s after the group formed").isPositive();
    }

    private static long beatsSent(List<SimNode> nodes) {
        return requestsSent(nodes, PeerContentGroups.BEAT_ROUTE);
    }

    private static long fetchesSent(List<SimNode> nodes) {
        return requestsSent(nodes, PeerContentGroups.FETCH_ROUTE);
    }

    private static long requestsSent(List<SimNode> nodes, String route) {
        return nodes.stream().mapToLong(node -> node.node().stats().requestsSentByRoute().getOrDefault(route, 0L)).sum();
    }

    @Test
    void shouldAskAHolderAgainWhenItsAnswerToAReadWasLost() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 4);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("asked twice")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        SimNode reader = nodes.stream().filter(n -> !holders(sim, id).contains(n)).findFirst().orElseThrow();
        // The reader's first requests to every holder are lost; the links work again long before they time out.
        holders(sim, id).forEach(holder -> sim.block(reader, holder));
        java.util.concurrent.CompletableFuture<byte[]> read = storage.get(reader).get(id);
        sim.runFor(Duration.ofSeconds(1));
        holders(sim, id).forEach(holder -> sim.unblock(reader, holder));

        assertThat(sim.await(read, LIMIT)).isEqualTo(text("asked twice"));
    }

    @Test
    void shouldLetTheNextRankedMemberLeadWhenTheLeaderCrashes() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("leaderless for a moment")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        sim.runFor(Duration.ofSeconds(3)); // settled: every member knows every other
        PeerId leaderId = sim.await(storage.get(holders(sim, id).getFirst()).liveMembers(id), LIMIT).getLast();
        SimNode leader = holders(sim, id).stream().filter(n -> n.id().equals(leaderId)).findFirst().orElseThrow();

        leader.crash();
        assertThat(sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT)).isTrue();
        assertThat(holders(sim, id)).doesNotContain(leader);
    }

    @Test
    void shouldTrimAHotGroupBackToRWhenAMemberComesBack() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("hot and cold")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        sim.runFor(Duration.ofSeconds(5)); // settled: every member knows every other
        SimNode member = holders(sim, id).getFirst();
        member.crash();
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);

        member.restart(); // same store: it rejoins with its old copy and makes the group hot
        assertThat(sim.runUntil(() -> holders(sim, id).size() == 4, Duration.ofSeconds(5))).as("rejoined").isTrue();
        List<SimNode> hot = holders(sim, id);
        assertThat(sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT)).as("trimmed").isTrue();
        assertThat(hot).containsAll(holders(sim, id));
        sim.runFor(Duration.ofSeconds(10));
        assertThat(holders(sim, id)).hasSize(3);
    }

    @Test
    void shouldBatchHeartbeatsPerPeerSoTheirCostDoesNotGrowWithGroups() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 4); // every group spans 3 of these 4 nodes: at most 6 pairs
        List<ContentId> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(sim.await(storage.get(nodes.get(i % 4)).put(text("block " + i)), LIMIT));
        }
        sim.runFor(Duration.ofSeconds(10));
        long before = beats(sim);
        sim.runFor(Duration.ofSeconds(60));
        long perSecond = (beats(sim) - before) / 60;
        assertThat(ids).allSatisfy(id -> assertThat(holders(sim, id)).hasSize(3));
        // 6 pairs at one exchange per pair per second, with palpitations: well under 2 per pair, not 40 groups' worth.
        assertThat(perSecond).as("beat requests per second for 40 groups on 6 peer pairs").isBetween(3L, 12L);
    }

    private long beats(Simulation sim) {
        long total = 0;
        for (SimNode node : sim.nodes()) {
            total += node.node().stats().requestsSentByRoute().getOrDefault(PeerContentGroups.BEAT_ROUTE, 0L);
        }
        return total;
    }

    @Test
    void shouldDeleteEveryCopyWithTheOwnersSignatureAndRefuseEveryoneElse() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8);
        SimNode owner = nodes.get(0);
        ContentId id = sim.await(storage.get(owner).put(text("to be deleted")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);

        assertThatThrownBy(() -> sim.await(storage.get(nodes.get(5)).delete(id), LIMIT))
            .satisfies(error -> assertThat(causeOf(error)).isInstanceOf(StorageException.MutationRejectedException.class)
                .hasMessageContaining("owned by"));
        assertThat(holders(sim, id)).hasSize(3);

        sim.await(storage.get(owner).delete(id), LIMIT);
        assertThat(sim.runUntil(() -> holders(sim, id).isEmpty(), Duration.ofSeconds(2))).as("all copies dropped").isTrue();
        sim.runFor(Duration.ofSeconds(10));
        assertThat(holders(sim, id)).as("no resurrection").isEmpty();
        assertThatThrownBy(() -> sim.await(storage.get(nodes.get(6)).get(id), LIMIT))
            .satisfies(error -> assertThat(causeOf(error)).isInstanceOf(StorageException.ContentDeletedException.class));
        assertThatThrownBy(() -> sim.await(storage.get(owner).put(text("to be deleted")), LIMIT))
            .satisfies(error -> assertThat(causeOf(error)).isInstanceOf(StorageException.MutationRejectedException.class));
    }

    @Test
    void shouldRefuseATombstoneSignedBySomeoneOtherThanTheOwner() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("not yours")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        SimNode holder = holders(sim, id).getFirst();
        SimNode forger = nodes.stream().filter(n -> !holders(sim, id).contains(n)).findFirst().orElseThrow();

        byte[] randomBytes = new byte[64];
        new SplittableRandom(sims.seed()).nextBytes(randomBytes);
        byte[] bodyHash = java.util.Arrays.copyOf(randomBytes, 32);
        Tombstone namingTheOwner = new Tombstone(id, nodes.get(0).id(), bodyHash, null, randomBytes);
        for (Tombstone forged : List.of(namingTheOwner)) {
            Reply reply = sim.await(forger.node().request(holder.address(), PeerContentGroups.DELETE_ROUTE, forged.encode(),
                Duration.ofSeconds(2)), LIMIT);
            assertThat(reply.payload()[0]).as("refused").isZero();
            assertThat(new String(reply.payload(), 3, reply.payload().length - 3, StandardCharsets.UTF_8)).contains("owner");
        }
        sim.runFor(Duration.ofSeconds(5));
        assertThat(holders(sim, id)).hasSize(3);
    }

    @Test
    void shouldStopAMemberThatMissedADeleteFromBringingTheBlockBack() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8);
        SimNode owner = nodes.get(0);
        ContentId id = sim.await(storage.get(owner).put(text("zombie")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        sim.runFor(Duration.ofSeconds(3)); // settled: every member knows every other
        SimNode away = holders(sim, id).stream().filter(n -> n != owner).findFirst().orElseThrow();
        away.crash();
        sim.await(storage.get(owner).delete(id), LIMIT);

        away.restart();
        assertThat(disks.get(away).contains(id)).as("came back with its copy").isTrue();
        assertThat(sim.runUntil(() -> holders(sim, id).isEmpty(), LIMIT)).as("told by its old partners").isTrue();
        sim.runFor(Duration.ofSeconds(10));
        assertThat(holders(sim, id)).isEmpty();
    }

    @Test
    void shouldLetTheOwnerUpdateContentSoReadersOfTheOldIdGetTheNewContent() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8);
        SimNode owner = nodes.get(1);
        ContentId first = sim.await(storage.get(owner).put(text("version 1")), LIMIT);
        assertThatThrownBy(() -> sim.await(storage.get(nodes.get(2)).update(first, text("hijack")), LIMIT))
            .satisfies(error -> assertThat(causeOf(error)).isInstanceOf(StorageException.MutationRejectedException.class));

        ContentId second = sim.await(storage.get(owner).update(first, text("version 2")), LIMIT);
        assertThat(second).isEqualTo(ContentId.of(OwnedBlock.encode(owner.id().toBytes(), text("version 2"))));
        assertThat(sim.await(storage.get(nodes.get(6)).get(first), LIMIT)).isEqualTo(text("version 2"));
        assertThat(holders(sim, first)).isEmpty();
    }

    @Test
    void shouldStoreLargeContentAsChunksBehindAManifestAndReadItBack() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8);
        byte[] content = new byte[10 * CONFIG.chunkBytes() + 123];
        new SplittableRandom(sims.seed()).nextBytes(content);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(content), LIMIT);
        assertThat(sim.await(storage.get(nodes.get(7)).get(id), LIMIT)).isEqualTo(content);
        sim.await(storage.get(nodes.get(0)).delete(id), LIMIT);
        sim.runFor(Duration.ofSeconds(5));
        long blocksLeft = sim.running().stream().mapToLong(n -> storage.get(n).heldBlocks().size()).sum();
        assertThat(blocksLeft).as("manifest and chunks all deleted").isZero();
    }

    @Test
    void shouldDetectACorruptCopyFromAPeerAndFetchTheBlockElsewhere() {
        Simulation sim = sims.create();
        SimNode honest = node(sim, 1 << 20);
        List<FaultyStore> liars = List.of(new FaultyStore(1 << 20), new FaultyStore(1 << 20));
        liars.forEach(liar -> node(sim, liar));
        sim.runFor(Duration.ofSeconds(5));
        ContentId id = sim.await(storage.get(honest).put(text("verify me")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        // The copies go bad after the put: a recruit must prove its copy before the put counts it.
        liars.forEach(liar -> liar.corruptReads(true));
        // A reader asks one holder at a time, in random order: fresh readers until one has met a liar first.
        int servedBefore = liars.stream().mapToInt(FaultyStore::corruptReadCount).sum();
        int readers = 0;
        do {
            SimNode reader = node(sim, 1 << 20);
            sim.runFor(Duration.ofSeconds(5));
            assertThat(sim.await(storage.get(reader).get(id), LIMIT)).isEqualTo(text("verify me"));
            readers++;
        } while (readers < 10 && liars.stream().mapToInt(FaultyStore::corruptReadCount).sum() == servedBefore);
        assertThat(liars.stream().mapToInt(FaultyStore::corruptReadCount).sum()).as("corrupt copies served to readers")
            .isGreaterThan(servedBefore);
    }

    @Test
    void shouldWaitForCandidatesWhenAPutStartsBeforeTheNodeKnowsAnyHost() {
        Simulation sim = sims.create();
        SimNode early = node(sim, 1 << 20);
        sim.runFor(Duration.ofMillis(100));
        var put = storage.get(early).put(text("stored by a node that knows nobody yet"));
        for (int i = 0; i < 3; i++) {
            node(sim, 1 << 20);
        }
        ContentId id = sim.await(put, LIMIT);
        assertThat(holders(sim, id)).hasSizeGreaterThanOrEqualTo(config.writeQuorum());
    }

    @Test
    void shouldDeclineToJoinGroupsWhenTheStoreIsFull() {
        Simulation sim = sims.create();
        SimNode roomy = node(sim, 1 << 20);
        for (int i = 0; i < 4; i++) {
            node(sim, 8);
        }
        sim.runFor(Duration.ofSeconds(5));
        assertThatThrownBy(() -> sim.await(storage.get(roomy).put(text("nobody has room for this")), LIMIT))
            .satisfies(error -> assertThat(causeOf(error))
                .isInstanceOf(StorageException.InsufficientReplicasException.class)
                .hasMessageContaining("only 1 of the 2"));
    }

    @Test
    void shouldKeepItsCopyAndKeepTryingWhenItCanReachNobody() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 6);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("alone")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        SimNode isolated = holders(sim, id).getFirst();
        List<SimNode> rest = new ArrayList<>(sim.running());
        rest.remove(isolated);
        sim.partition(List.of(isolated), rest);
        sim.runFor(Duration.ofSeconds(30));
        assertThat(storage.get(isolated).holds(id)).as("keeps its copy").isTrue();
        sim.heal();
        // The split groups find each other through the probes of former members, merge, and are trimmed to r.
        assertThat(sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT)).as("merged and trimmed").isTrue();
        sim.runFor(Duration.ofSeconds(10));
        assertThat(holders(sim, id)).hasSize(3);
    }

    @Test
    void shouldHandItsCopiesOverWhenLeavingGracefully() {
        Simulation sim = sims.create();
        List<SimNode> nodes = cluster(sim, 8);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("hand me over")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        sim.runFor(Duration.ofSeconds(5)); // settled: every member knows every other
        SimNode leaving = holders(sim, id).getFirst();
        List<SimNode> others = new ArrayList<>(holders(sim, id));
        others.remove(leaving);

        sim.await(leaving.shutdown(Duration.ofSeconds(4)), LIMIT);
        // No timeout had to pass: the heir took the copy before the node went, the partners were told.
        assertThat(holders(sim, id)).hasSize(3).doesNotContain(leaving).containsAll(others);
    }

    @Test
    void shouldKeepBeatingAndRepairingAfterAnUpkeepRoundFailed() {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            nodes.add(node(sim, new FaultyStore(1 << 20)));
        }
        sim.runFor(Duration.ofSeconds(5));
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("through a bad disk day")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        List<FaultyStore> disks = nodes.stream().map(n -> (FaultyStore) this.disks.get(n)).toList();
        disks.forEach(disk -> disk.failRecordWrites(true));
        holders(sim, id).getFirst().crash();
        sim.runFor(Duration.ofSeconds(5));
        disks.forEach(disk -> disk.failRecordWrites(false));
        assertThat(sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT)).as("repaired once the disk works again").isTrue();
    }
}
