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
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.store.ContentId;
import network.butter.store.MemoryChunkStore;
import network.butter.store.OwnedBlock;
import network.butter.wire.PayloadReader;
import network.butter.wire.WireFormatException;
import network.butter.wire.PayloadWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Peer Content Groups against peers that lie: each test plays one attack from the threat model
 * ({@code docs/SECURITY.md}) with a node that runs the attacker's code, and checks the honest nodes shrug it off.
 */
class HostilePeersSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private static final KnownHostsConfig FAST_HOSTS = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withPolling(1_000, 300);
    private static final PcgConfig CONFIG = PcgConfig.defaults().withFixedReplication(3).withHeartbeatIntervalMs(1_000)
        .withChunkBytes(1024);
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final byte GONE = 1;

    private final Map<SimNode, PeerContentGroups> storage = new HashMap<>();

    /** An attacker: runs known hosts and discovery like anyone, and keeps its protocol context to sign and serve. */
    private static final class Attacker implements Protocol {
        ProtocolContext ctx;
        SimNode node;

        @Override
        public String name() {
            return "attacker";
        }

        @Override
        public void start(ProtocolContext context) {
            this.ctx = context;
        }

        /** A tombstone for {@code block} signed with this attacker's own key, claiming to own it. */
        Tombstone tombstoneFor(ContentId block, ContentId successor) {
            PayloadWriter signed = new PayloadWriter(100).raw("butter/pcg/del/2".getBytes(StandardCharsets.US_ASCII))
                .raw(block.toBytes());
            if (successor == null) {
                signed.u8(0);
            } else {
                signed.u8(1).raw(successor.toBytes());
            }
            return new Tombstone(block, node.id(), new byte[32], successor, ctx.sign(signed.toByteArray()));
        }
    }

    private SimNode honest(Simulation sim) {
        return honest(sim, new MemoryChunkStore(1 << 20));
    }

    private SimNode honest(Simulation sim, network.butter.store.ChunkStore store) {
        return sim.spawn(Limits.defaults(), (self, api) -> {
            KnownHosts hosts = new KnownHosts(FAST_HOSTS, () -> 0L);
            PeerContentGroups groups = new PeerContentGroups(CONFIG, store);
            storage.put(self, groups);
            api.install(hosts);
            api.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
            api.install(groups);
        });
    }

    private Attacker attacker(Simulation sim) {
        return attacker(sim, 0);
    }

    /** An attacker whose known-host polls report {@code storageBytes} free, so that placement picks it. */
    private Attacker attacker(Simulation sim, long storageBytes) {
        Attacker attacker = new Attacker();
        attacker.node = sim.spawn(Limits.defaults(), (self, api) -> {
            KnownHosts hosts = new KnownHosts(FAST_HOSTS, () -> 0L);
            hosts.reportStorage(() -> storageBytes);
            api.install(hosts);
            api.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
            api.install(attacker);
        });
        return attacker;
    }

    private List<SimNode> holders(Simulation sim, ContentId block) {
        return StorageNodes.holders(sim, storage, block);
    }

    private Reply send(Simulation sim, Attacker from, SimNode to, String route, byte[] payload) {
        return sim.await(from.node.node().request(to.address(), route, payload, Duration.ofSeconds(2)), LIMIT);
    }

    @Test
    void shouldNotLetAForgedGoneAnswerFailOrRedirectARead() {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(honest(sim));
        }
        List<Attacker> attackers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Attacker attacker = attacker(sim);
            attackers.add(attacker);
            // Every fetch gets "gone", signed by the attacker, sending the reader to content of the attacker's choice.
            attacker.node.node().handle(PeerContentGroups.FETCH_ROUTE, request -> {
                ContentId asked = ContentId.fromBytes(request.payload());
                ContentId elsewhere = ContentId.of(OwnedBlock.encode(attacker.node.id().toBytes(), text("attacker's content")));
                Tombstone forged = attacker.tombstoneFor(asked, elsewhere);
                return Reply.of(new PayloadWriter(300).u8(GONE).raw(forged.encode()).u16(0).toByteArray());
            });
        }
        sim.runFor(Duration.ofSeconds(5));
        byte[] original = text("the owner's words");
        ContentId id = sim.await(storage.get(nodes.get(0)).put(original), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);

        for (int reader = 0; reader < 6; reader++) {
            SimNode fresh = honest(sim);
            sim.runFor(Duration.ofSeconds(3));
            assertThat(sim.await(storage.get(fresh).get(id), LIMIT)).as("reader " + reader).isEqualTo(original);
        }
    }

    @Test
    void shouldIgnoreATrimFromAPeerThatDoesNotLeadTheGroup() {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodes.add(honest(sim));
        }
        Attacker attacker = attacker(sim);
        sim.runFor(Duration.ofSeconds(5));
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("keep me")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);

        byte[] trim = new PayloadWriter(64).raw(id.toBytes()).addresses(List.of(attacker.node.address())).toByteArray();
        for (SimNode member : holders(sim, id)) {
            Reply reply = send(sim, attacker, member, PeerContentGroups.TRIM_ROUTE, trim);
            assertThat(reply.payload()).as("kept").containsExactly(0);
        }
        sim.runFor(Duration.ofSeconds(10));
        assertThat(holders(sim, id)).hasSize(3);
    }

    @Test
    void shouldAnswerNotHeldNotDroppedToATrimOfABlockTheNodeHoldsNoCopyOf() {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodes.add(honest(sim));
        }
        Attacker attacker = attacker(sim);
        sim.runFor(Duration.ofSeconds(5));
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("held elsewhere")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        List<SimNode> holders = holders(sim, id);
        SimNode outsider = nodes.stream().filter(n -> !holders.contains(n)).findFirst().orElseThrow();

        byte[] trim = new PayloadWriter(64).raw(id.toBytes()).addresses(List.of(attacker.node.address())).toByteArray();
        Reply reply = send(sim, attacker, outsider, PeerContentGroups.TRIM_ROUTE, trim);

        assertThat(reply.payload()).as("the answer of a node in no group of the block (2 = not held, 1 = dropped)").containsExactly(2);
    }

    @Test
    void shouldNotAdmitAStrangerThatClaimsAGroupInItsHeartbeat() {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            nodes.add(honest(sim));
        }
        Attacker attacker = attacker(sim);
        sim.runFor(Duration.ofSeconds(5));
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("members only")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        SimNode member = holders(sim, id).getFirst();

        byte[] beat = new PayloadWriter(128).addresses(List.of(attacker.node.address()))
            .u16(1).raw(id.toBytes()).u8(1).u16(0).u16(0).u16(0).u8(0).u8(0).toByteArray();
        send(sim, attacker, member, PeerContentGroups.BEAT_ROUTE, beat);
        assertThat(sim.await(storage.get(member).liveMembers(id), LIMIT)).doesNotContain(attacker.node.id());
    }

    @Test
    void shouldNotCountAStrangerThatStoresABlockTheGroupHoldsUntilItSendsTheBlockWhenAsked() throws Exception {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            nodes.add(honest(sim));
        }
        Attacker sybil = attacker(sim);
        sim.runFor(Duration.ofSeconds(5));
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("fetched, replayed, not kept")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        SimNode member = holders(sim, id).getFirst();

        // The block's bytes and stamp, fetched once: all a store needs, though the attacker keeps no copy to serve.
        Reply fetched = send(sim, sybil, member, PeerContentGroups.FETCH_ROUTE, id.toBytes());
        byte[] store = replayedStore(fetched, 3);
        send(sim, sybil, member, PeerContentGroups.STORE_ROUTE, store);

        assertThat(sim.await(storage.get(member).liveMembers(id), LIMIT)).as("live members right after the store")
            .doesNotContain(sybil.node.id());
        sim.runFor(Duration.ofSeconds(3));
        assertThat(sim.await(storage.get(member).liveMembers(id), LIMIT)).as("once its claim was checked")
            .doesNotContain(sybil.node.id());
    }

    @Test
    void shouldNotCountTowardAPutsWriteQuorumARecruitThatAnswersStoredButCannotProveItKeptTheBlock() {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(honest(sim));
        }
        for (int i = 0; i < 8; i++) {
            Attacker liar = attacker(sim, 1 << 20);
            // Says "stored" to every store and keeps nothing.
            liar.node.node().handle(PeerContentGroups.STORE_ROUTE, request -> Reply.of(new PayloadWriter(8).u8(0).text("").toByteArray()));
        }
        sim.runFor(Duration.ofSeconds(5));
        SimNode owner = nodes.getFirst();
        for (int item = 0; item < 8; item++) {
            ContentId id = sim.await(storage.get(owner).put(text("kept for real, item " + item)), LIMIT);
            assertThat(holders(sim, id)).as("nodes holding item " + item + " when its put completed")
                .hasSizeGreaterThanOrEqualTo(CONFIG.writeQuorum());
        }
    }

    @Test
    void shouldNotLetAStoreRaiseTheReplicationOfAGroup() throws Exception {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            nodes.add(honest(sim));
        }
        Attacker attacker = attacker(sim);
        sim.runFor(Duration.ofSeconds(5));
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("three is enough")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        SimNode member = holders(sim, id).getFirst();

        Reply fetched = send(sim, attacker, member, PeerContentGroups.FETCH_ROUTE, id.toBytes());
        byte[] store = replayedStore(fetched, PcgConfig.MAX_REPLICATION);
        send(sim, attacker, member, PeerContentGroups.STORE_ROUTE, store);
        int most = 0;
        for (int second = 0; second < 20; second++) {
            sim.runFor(Duration.ofSeconds(1));
            most = Math.max(most, holders(sim, id).size());
        }
        assertThat(most).as("most holders after a store asking for r = 16").isLessThanOrEqualTo(4);
        assertThat(holders(sim, id)).hasSize(3);
    }

    @Test
    void shouldReportADeleteThatNoOtherHolderAcknowledged() {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            nodes.add(honest(sim));
        }
        sim.runFor(Duration.ofSeconds(5));
        SimNode owner = nodes.get(0);
        ContentId id = sim.await(storage.get(owner).put(text("hard to delete")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        assertThat(holders(sim, id)).contains(owner);
        holders(sim, id).stream().filter(n -> n != owner).forEach(SimNode::crash);

        assertThatThrownBy(() -> sim.await(storage.get(owner).delete(id), LIMIT))
            .satisfies(error -> assertThat(causeOf(error)).isInstanceOf(StorageException.class)
                .hasMessageContaining("acknowledged"));
    }

    @Test
    void shouldOnlyAcceptTombstonesThatTheBlocksIdBindsToTheirSigner() {
        Simulation sim = sims.create();
        Attacker attacker = attacker(sim);
        sim.runFor(Duration.ofSeconds(1));
        ContentId someoneElses = ContentId.of(OwnedBlock.encode(new byte[32], text("not the attacker's")));
        assertThat(attacker.tombstoneFor(someoneElses, null).valid()).as("a well-signed tombstone for another's block").isFalse();
        PeerId attackerId = attacker.node.id();
        byte[] own = OwnedBlock.encode(attackerId.toBytes(), text("the attacker's own"));
        assertThat(Tombstone.sign(own, attackerId, null, attacker.ctx::sign).valid()).as("for its own block").isTrue();
    }

    @Test
    void shouldStopCountingAMemberThatKeepsBeatingButNoLongerHoldsTheBlock() {
        Simulation sim = sims.create();
        Map<SimNode, FaultyStore> disks = new HashMap<>();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            FaultyStore disk = new FaultyStore(1 << 20);
            SimNode node = honest(sim, disk);
            disks.put(node, disk);
            nodes.add(node);
        }
        sim.runFor(Duration.ofSeconds(5));
        SimNode owner = nodes.get(0);
        ContentId id = sim.await(storage.get(owner).put(text("really held?")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        sim.runFor(Duration.ofSeconds(3));
        SimNode liar = holders(sim, id).stream().filter(n -> n != owner).findFirst().orElseThrow();
        disks.get(liar).forgetData(true);

        boolean dropped = sim.runUntil(() -> holders(sim, id).stream().filter(n -> n != liar)
            .allMatch(n -> !sim.await(storage.get(n).liveMembers(id), LIMIT).contains(liar.id())), LIMIT);
        assertThat(dropped).as("no honest member counts the member that lost its copy").isTrue();
        assertThat(sim.runUntil(() -> holders(sim, id).stream().filter(n -> n != liar).count() >= 3, LIMIT))
            .as("three copies again without it").isTrue();
    }

    @Test
    void shouldStopCountingAPeerThatKeepsStoringABlockButNeverProvesItHoldsIt() throws Exception {
        Simulation sim = sims.create();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            nodes.add(honest(sim));
        }
        Attacker sybil = attacker(sim);
        sim.runFor(Duration.ofSeconds(5));
        ContentId id = sim.await(storage.get(nodes.get(0)).put(text("prove it")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        List<SimNode> members = holders(sim, id);

        Reply fetched = send(sim, sybil, members.getFirst(), PeerContentGroups.FETCH_ROUTE, id.toBytes());
        byte[] store = replayedStore(fetched, 3);
        // Its beats (and answers) claim the group but never carry a proof.
        byte[] claim = new PayloadWriter(128).addresses(List.of(sybil.node.address()))
            .u16(1).raw(id.toBytes()).u8(1).u16(0).u16(0).u16(0).u8(0).u8(0).toByteArray();
        sybil.node.node().handle(PeerContentGroups.BEAT_ROUTE, request -> Reply.of(claim));
        for (int round = 0; round < 60; round++) {
            for (SimNode member : members) {
                sybil.node.node().request(member.address(), PeerContentGroups.STORE_ROUTE, store, Duration.ofSeconds(2));
                sybil.node.node().request(member.address(), PeerContentGroups.BEAT_ROUTE, claim, Duration.ofSeconds(2));
            }
            sim.runFor(Duration.ofMillis(500));
        }
        for (SimNode member : members) {
            assertThat(sim.await(storage.get(member).liveMembers(id), LIMIT)).as("live members at " + member)
                .doesNotContain(sybil.node.id());
        }
    }

    @Test
    void shouldLetABlocksOwnerStoreItAgainAfterItMissedAProofOfHoldingIt() throws Exception {
        Simulation sim = sims.create();
        Map<SimNode, FaultyStore> disks = new HashMap<>();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            FaultyStore disk = new FaultyStore(1 << 20);
            SimNode node = honest(sim, disk);
            disks.put(node, disk);
            nodes.add(node);
        }
        sim.runFor(Duration.ofSeconds(5));
        SimNode owner = nodes.getFirst();
        ContentId id = sim.await(storage.get(owner).put(text("mine, stored again")), LIMIT);
        sim.runUntil(() -> holders(sim, id).size() == 3, LIMIT);
        sim.runFor(Duration.ofSeconds(3));
        assertThat(holders(sim, id)).contains(owner);
        SimNode partner = holders(sim, id).stream().filter(n -> n != owner).findFirst().orElseThrow();
        Reply fetched = sim.await(owner.node().request(partner.address(), PeerContentGroups.FETCH_ROUTE, id.toBytes(),
            Duration.ofSeconds(2)), LIMIT);

        // The owner's disk loses the block for a while (as a node too busy to read it would): it misses its proofs.
        disks.get(owner).forgetData(true);
        assertThat(sim.runUntil(() -> !sim.await(storage.get(partner).liveMembers(id), LIMIT).contains(owner.id()), LIMIT))
            .as("the partner stops counting the owner that missed its proofs (seed %d)", sim.seed()).isTrue();
        disks.get(owner).forgetData(false);
        Reply stored = sim.await(owner.node().request(partner.address(), PeerContentGroups.STORE_ROUTE, replayedStore(fetched, 3),
            Duration.ofSeconds(2)), LIMIT);

        assertThat(stored.payload()[0]).as("status of the owner's own store of its block (0 = stored; seed %d): %s", sim.seed(),
            new String(stored.payload(), StandardCharsets.UTF_8)).isEqualTo((byte) 0);
    }

    /** A STORE of a fetched block (its stamp and bytes, as the fetch reply carried them) naming {@code replication}. */
    private static byte[] replayedStore(Reply fetched, int replication) throws WireFormatException {
        PayloadReader in = new PayloadReader(fetched.payload(), "fetch reply");
        in.u8();
        byte[] stamp = in.raw(32 + 32 + 64);
        byte[] data = in.bytes();
        return new PayloadWriter(data.length + 200).raw(stamp).u8(replication).addresses(List.of()).bytes(data).toByteArray();
    }
}
