package network.butter.persist;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.hosts.KnownHost;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.persist.PcgMessages.Beat;
import network.butter.persist.PcgMessages.FetchReply;
import network.butter.persist.PcgMessages.Store;
import network.butter.persist.PcgMessages.StoreReply;
import network.butter.persist.PcgMessages.StoreStatus;
import network.butter.persist.PcgMessages.Trim;
import network.butter.protocol.ProtocolContext;
import network.butter.store.ContentId;
import network.butter.store.StoreBusyException;
import network.butter.wire.ErrorCode;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage protocol's routes: what this node does when a peer asks it to hold, beat, fetch, trim, delete or prove
 * it holds a block. Every request is checked against what this node knows itself; a peer's claims change only that peer's own
 * membership, and nothing a peer sends makes this node keep more than the bounds of {@link GroupTable} and
 * {@link Tombstones}.
 */
final class PcgRoutes {

    private static final Logger log = LoggerFactory.getLogger(PcgRoutes.class);
    private static final int HINTS = 8;

    private final PcgNode node;
    private final GroupTable table;
    private final Tombstones tombstones;
    private final Repair repair;
    private final Upkeep upkeep;
    private final Proofs proofs;

    PcgRoutes(PcgNode node, GroupTable table, Tombstones tombstones, Repair repair, Upkeep upkeep, Proofs proofs) {
        this.node = node;
        this.table = table;
        this.tombstones = tombstones;
        this.repair = repair;
        this.upkeep = upkeep;
        this.proofs = proofs;
    }

    void install(ProtocolContext ctx) {
        ctx.handleAsync(PeerContentGroups.STORE_ROUTE, this::onStore);
        ctx.handle(PeerContentGroups.BEAT_ROUTE, this::onBeat);
        ctx.handle(PeerContentGroups.FETCH_ROUTE, this::onFetch);
        ctx.handle(PeerContentGroups.TRIM_ROUTE, this::onTrim);
        ctx.handle(PeerContentGroups.DELETE_ROUTE, this::onDelete);
        ctx.handle(PeerContentGroups.PROVE_ROUTE, request -> Reply.of(proofs.answer(PcgMessages.Challenge.decode(request.payload()))));
    }

    /**
     * Take a copy and join its group; the replication factor is the one the group was created with. A recruiter
     * that sends the block to a node new to the group counts as a live member (if the view has room): it had the
     * block to send. A store to a node already in the group counts its sender only if that sender is a member this
     * node has heard from itself; anyone else (a stranger, or a peer only introduced by hearsay) must show it holds
     * the block the way every claimant does, by sending it when this node asks ({@link Claims}): bytes fetched once
     * and replayed in stores every second would otherwise make a peer that keeps no copy a live member, fill the
     * group's places and, where it ranks first, lead it.
     */
    private CompletableFuture<Reply> onStore(Request request) throws WireFormatException {
        Store message = Store.decode(request.payload());
        ContentId block = message.stamp().block();
        Tombstone tombstone = tombstones.get(block);
        if (tombstone != null && tombstone.covers(message.stamp())) {
            return answer(new StoreReply(StoreStatus.DELETED, tombstone, ""));
        }
        if (!block.matches(message.data())) {
            return answer(new StoreReply(StoreStatus.INVALID, null, "the data does not hash to " + block));
        }
        Group group = table.get(block);
        // A stamp equal to the one this node checked when it took the block needs no second Ed25519 check: repeated
        // stores of a held block (recruiters, repairs) would otherwise cost a signature verification each.
        boolean stampChecked = group != null && group.stamp.equals(message.stamp());
        if (!stampChecked && !message.stamp().validFor(message.data())) {
            return answer(new StoreReply(StoreStatus.INVALID, null,
                "the block does not name the stamp's owner, or the stamp is not the owner's signature"));
        }
        PeerId sender = request.from().id();
        if (group != null && group.isStoreBarred(sender, node.now()) && !sender.equals(message.stamp().owner())) {
            // A peer that keeps storing the block without ever proving it holds it stays barred while it keeps at it.
            // Not the block's owner: one busy enough to miss a proof (a large put under way) must still be able to put
            // its own block again, and it gains nothing it could not do as the owner anyway.
            group.bar(sender, node.now() + Upkeep.BAR_TIMEOUTS * node.config.memberTimeoutMs(), group.isBarred(sender, node.now()));
            return answer(new StoreReply(StoreStatus.INVALID, null,
                "this node saw you fail to prove you hold " + block + " lately; you are not counted as a member"));
        }
        if (group != null) {
            return CompletableFuture.completedFuture(stored(request, message));
        }
        Optional<String> refusal = table.refusal(message.stamp().owner(), message.data().length);
        if (refusal.isPresent()) {
            return answer(new StoreReply(StoreStatus.FULL, null, refusal.get()));
        }
        // "Stored" promises a durable copy and a durable membership (a restart rejoins the group): the reply waits for
        // the chunk's write, which runs off the node loop, and then for the group's record, written behind it.
        return node.store.put(block, message.data())
            .handle((taken, error) -> written(request, message, taken, error))
            .thenCompose(reply -> node.store.afterEarlierWrites().handle((durable, error) -> reply));
    }

    /** The copy of a store's block is written (or not): answers, joining the group if nothing changed meanwhile. */
    private Reply written(Request request, Store message, Boolean taken, Throwable error) {
        ContentId block = message.stamp().block();
        if (error != null) {
            Throwable cause = PcgNode.unwrap(error);
            if (cause instanceof StoreBusyException) {
                return Reply.of(new StoreReply(StoreStatus.BUSY, null, cause.getMessage()).encode());
            }
            log.warn("{}: could not write block {}: {}", node.self.shortForm(), block, cause.toString());
            return Reply.of(new StoreReply(StoreStatus.FULL, null, "the disk failed to write the block: " + cause).encode());
        }
        if (!taken) {
            return Reply.of(new StoreReply(StoreStatus.FULL, null, "the store refused the block").encode());
        }
        if (node.stopped) {
            return Reply.of(new StoreReply(StoreStatus.FULL, null, "the node stopped while the block was written").encode());
        }
        Tombstone tombstone = tombstones.get(block);
        if (tombstone != null && tombstone.covers(message.stamp())) {
            if (table.get(block) == null) {
                node.store.remove(block); // deleted while the copy was being written
            }
            return Reply.of(new StoreReply(StoreStatus.DELETED, tombstone, "").encode());
        }
        return stored(request, message);
    }

    /** The block is on disk here: joins its group, or counts the sender in the group this node is already in. */
    private Reply stored(Request request, Store message) {
        ContentId block = message.stamp().block();
        PeerId sender = request.from().id();
        Group group = table.get(block);
        if (group == null) {
            int replication = Math.min(message.replication(), node.config.maxReplication());
            group = table.join(message.stamp(), message.data().length, replication, message.members(), sender);
            upkeep.announce(group, sender);
        } else if (group.view.hasHeard(sender)) {
            table.introduceAll(group, message.members(), sender);
        } else {
            upkeep.claim(group, request.from());
            return Reply.of(new StoreReply(StoreStatus.STORED, null, "").encode());
        }
        if (group.view.heard(sender, node.now())) {
            table.learn(request.from());
        }
        repair.maintain(group);
        return Reply.of(new StoreReply(StoreStatus.STORED, null, "").encode());
    }

    private static CompletableFuture<Reply> answer(StoreReply reply) {
        return CompletableFuture.completedFuture(Reply.of(reply.encode()));
    }

    private Reply onBeat(Request request) throws WireFormatException {
        Beat beat = Beat.decode(request.payload());
        PeerAddress from = request.from();
        upkeep.exchanged(from.id());
        java.util.Set<ContentId> notHeld = new java.util.TreeSet<>();
        List<Tombstone> owedTombstones = new ArrayList<>();
        upkeep.absorb(from, beat, notHeld, owedTombstones);
        notHeld.addAll(upkeep.takeOwed(from.id()));
        return Reply.of(upkeep.withPossession(from.id(), new Beat(table.entriesFor(from.id()), List.copyOf(notHeld), owedTombstones)).encode());
    }

    private Reply onFetch(Request request) throws WireFormatException {
        if (request.payload().length != ContentId.LENGTH_BYTES) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME,
                "a fetch names one " + ContentId.LENGTH_BYTES + "-byte content id, got " + request.payload().length + " bytes");
        }
        ContentId id = ContentId.fromBytes(request.payload());
        Tombstone tombstone = tombstones.get(id);
        if (tombstone != null) {
            return Reply.of(FetchReply.gone(tombstone).encode());
        }
        Group group = table.get(id);
        if (group != null) {
            Optional<byte[]> data = node.store.get(id);
            if (data.isPresent()) {
                return Reply.of(FetchReply.found(group.stamp, data.get(), table.addressesOf(group.view.knownMembers())).encode());
            }
            log.warn("{}: lost its copy of {} (corrupt or removed); fetching it again from the group", node.self.shortForm(), id);
            repair.restoreCopy(group);
        }
        List<PeerAddress> hints = new ArrayList<>();
        List<KnownHost> hosts = new ArrayList<>(node.knownHosts.hosts());
        node.shuffle(hosts);
        for (KnownHost host : hosts) {
            if (hints.size() < HINTS && !host.address().id().equals(request.from().id())) {
                hints.add(host.address());
            }
        }
        return Reply.of(FetchReply.absent(hints).encode());
    }

    /**
     * A leader asks this member to leave a hot group. It leaves only if its own view agrees: the sender is a live
     * member that leads the group as this node ranks it, and the group is hot in this node's own view (see
     * {@link #mayLeave}). A trim from anyone else, or of a group that is not hot, changes nothing. A trim of a block this
     * node holds no copy of is answered "not held", never "dropped".
     */
    private Reply onTrim(Request request) throws WireFormatException {
        Trim trim = Trim.decode(request.payload());
        Group group = table.get(trim.block());
        if (group == null) {
            return Reply.of(new byte[] {PcgMessages.NOT_HELD});
        }
        long now = node.now();
        PeerId sender = request.from().id();
        if (!group.view.isLive(sender, now) || !group.view.leader(now).equals(sender)) {
            return Reply.of(new byte[] {PcgMessages.KEPT});
        }
        group.view.heard(sender, now);
        int target = repair.targetFor(group, now);
        if (!mayLeave(group, now, target)) {
            return Reply.of(new byte[] {PcgMessages.KEPT});
        }
        for (PeerId member : group.view.knownMembers()) {
            upkeep.owe(member, trim.block());
        }
        table.drop(group, false);
        return Reply.of(new byte[] {PcgMessages.DROPPED});
    }

    /**
     * Whether this member leaves a group its leader trims: never while {@code target} or fewer members (itself
     * included) were heard from within the last heartbeat interval; then if its own view counts it among the newest beyond the
     * target; or, since members that met at different times (a healed partition) may each see another as newest,
     * if the group has stayed hot in its own view while it refused the same leader for two member timeouts.
     */
    private boolean mayLeave(Group group, long now, int target) {
        if (group.view.heardWithin(now, node.config.heartbeatIntervalMs()) <= target || group.view.isLeader(now)) {
            return false;
        }
        if (group.view.surplus(now, target).contains(node.self)) {
            return true;
        }
        if (group.trimRefusedSinceMs < 0) {
            group.trimRefusedSinceMs = now;
        }
        return now - group.trimRefusedSinceMs >= 2 * node.config.memberTimeoutMs();
    }

    private Reply onDelete(Request request) throws WireFormatException {
        Tombstone tombstone = Tombstone.decode(request.payload());
        if (!tombstone.valid()) {
            return refused("the tombstone is not signed by the owner its block's id names");
        }
        Group group = table.get(tombstone.block());
        if (group != null && !tombstone.covers(group.stamp)) {
            return refused("block " + tombstone.block() + " is owned by " + group.stamp.owner().shortForm()
                + ", not by the signer " + tombstone.owner().shortForm());
        }
        tombstones.apply(tombstone, request.from().id());
        return Reply.of(new byte[] {PcgMessages.APPLIED});
    }

    private static Reply refused(String reason) {
        return Reply.of(new PayloadWriter(reason.length() + 3).u8(PcgMessages.REFUSED).text(reason).toByteArray());
    }
}
