package network.butter.persist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.persist.PcgMessages.Beat;
import network.butter.persist.PcgMessages.Store;
import network.butter.persist.StorageException.MutationRejectedException;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.retrieve.HeldContent;
import network.butter.store.ChunkStore;
import network.butter.store.Chunker;
import network.butter.store.DiskWork;
import network.butter.store.ContentId;
import network.butter.store.Manifest;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistent storage by Peer Content Groups: every block is kept by a small group of {@code r} members that watch
 * each other and repair the group as members come and go.
 *
 * <p>This class is the protocol's face: the application API and the wiring of its parts, each with one job and
 * readable on its own:
 * <ul>
 *   <li>{@link GroupTable} — membership: the groups this node belongs to, their members' addresses, records on
 *       disk, and the bounds on how many groups and how much of the store one owner may take;</li>
 *   <li>{@link Upkeep} — heartbeats batched per peer pair, failure handling, announcing joins;</li>
 *   <li>{@link Repair} — the leader's (or a deputy's) duties: recruit into cold groups, trim hot ones;</li>
 *   <li>{@link Placement} — which known hosts to ask to hold a block;</li>
 *   <li>{@link Puts}, {@link BlockReads} — writing and reading content;</li>
 *   <li>{@link Tombstones} — deletion, with tombstones that prove themselves against the block's id;</li>
 *   <li>{@link PcgRoutes} — what this node does when a peer asks.</li>
 * </ul>
 *
 * <p>The security model is in {@code docs/SECURITY.md}: every block is an {@link network.butter.store.OwnedBlock},
 * so its id commits to its owner and only the owner's tombstone can delete or supersede it; leadership goes by a
 * rank derived from the block and the id, so no id leads every group; a peer's messages change only its own
 * membership; everything a peer can make this node keep is bounded.
 *
 * <p>Needs {@link network.butter.hosts.KnownHosts} installed on the node first. Runs on the node loop (the store's
 * writes too).
 */
public final class PeerContentGroups implements Protocol, Storage, HeldContent {

    /** Route: take a copy of a block and join its group. */
    public static final String STORE_ROUTE = "butter/pcg/store";
    /** Route: a batched heartbeat exchange. */
    public static final String BEAT_ROUTE = "butter/pcg/beat";
    /** Route: read a block. */
    public static final String FETCH_ROUTE = "butter/pcg/fetch";
    /** Route: a hot group's leader asks a surplus member to leave. */
    public static final String TRIM_ROUTE = "butter/pcg/trim";
    /** Route: apply a signed tombstone. */
    public static final String DELETE_ROUTE = "butter/pcg/delete";
    /** Route: prove holding a block: {@code SHA-256(nonce | block bytes)} for the nonce asked (see {@link Proofs}). */
    public static final String PROVE_ROUTE = "butter/pcg/prove";

    private static final Logger log = LoggerFactory.getLogger(PeerContentGroups.class);
    /** Blocks of one read, or of one put, in flight at once. */
    static final int BLOCKS_IN_FLIGHT = 8;

    private final PcgNode node;
    private final Placement placement;
    private final GroupTable table;
    private final Tombstones tombstones;
    private final BlockReads reads;
    private final Repair repair;
    private final Upkeep upkeep;
    private final Puts puts;
    private final Streams streams;
    private final PcgRoutes routes;

    /**
     * @param config settings
     * @param store  where this node keeps its copies (a {@code FileChunkStore} on a real node, memory in tests);
     *               used on the node loop only from now on
     */
    public PeerContentGroups(PcgConfig config, ChunkStore store) {
        this(config, store, DiskWork.inline());
    }

    /**
     * A node whose chunk-store writes run through {@code disk}: a real node with a disk store passes a bounded queue
     * off the event loop, so a slow disk never stalls the networking of the nodes sharing the loop; replies that
     * promise durability ("stored", a put's acknowledgement) wait for the write.
     *
     * @param config settings
     * @param store  where this node keeps its copies; written only through {@code disk} from now on, read on the
     *               node loop (so it must allow reads while a write runs, as {@code FileChunkStore} does)
     * @param disk   where writes run ({@link DiskWork#inline()} for memory stores and the simulator)
     */
    public PeerContentGroups(PcgConfig config, ChunkStore store, DiskWork disk) {
        this.node = new PcgNode(config, store, disk);
        this.placement = new Placement(node);
        this.table = new GroupTable(node, placement::failedLately);
        placement.use(table);
        this.tombstones = new Tombstones(node, table);
        this.reads = new BlockReads(node, table, tombstones);
        Proofs proofs = new Proofs(node, table);
        this.repair = new Repair(node, table, placement, tombstones, reads, proofs);
        this.upkeep = new Upkeep(node, table, tombstones, repair, placement);
        placement.useHeard(upkeep::heardLately);
        this.puts = new Puts(node, table, placement, repair, tombstones, proofs);
        this.streams = new Streams(node, puts, reads);
        this.routes = new PcgRoutes(node, table, tombstones, repair, upkeep, proofs);
    }

    @Override
    public String name() {
        return "peer-content-groups";
    }

    @Override
    public void start(ProtocolContext ctx) {
        node.start(ctx);
        node.knownHosts.reportStorage(node.store::availableBytes);
        if (node.config.minFrameBytes() > ctx.limits().maxFrameBytes()) {
            throw new IllegalStateException("chunks of " + node.config.chunkBytes() + " bytes do not fit in frames of "
                + ctx.limits().maxFrameBytes() + " bytes: lower chunkBytes or raise the node's frame limit");
        }
        table.rejoin(tombstones);
        routes.install(ctx);
        ctx.onPeerFailed(upkeep::peerFailed);
        upkeep.start();
    }

    @Override
    public void stop() {
        node.stopped = true;
        upkeep.stop();
        table.saveRecords(upkeep.activePeers());
    }

    /**
     * Hands every copy to a new member, then tells partners this node no longer holds anything, naming the heirs so
     * nobody recruits for the vacancy a second time.
     */
    @Override
    public CompletableFuture<Void> leave() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        node.context.loop().execute(() -> {
            List<CompletableFuture<?>> handovers = new ArrayList<>();
            for (Group group : List.copyOf(table.groups.values())) {
                Optional<byte[]> data = node.store.get(group.block());
                List<PeerAddress> heirs = placement.candidates(group, 1);
                if (data.isEmpty() || heirs.isEmpty()) {
                    continue;
                }
                PeerAddress heir = heirs.getFirst();
                List<PeerAddress> members = new ArrayList<>(table.addressesOf(group.view.knownMembers()));
                members.add(heir);
                table.learn(heir);
                handovers.add(node.request(heir, STORE_ROUTE, new Store(group.stamp, group.replication, members, data.get()).encode())
                    .thenAccept(reply -> group.view.heard(heir.id(), node.now())));
            }
            CompletableFuture.allOf(handovers.toArray(new CompletableFuture<?>[0])).whenComplete((v, e) -> {
                List<CompletableFuture<?>> goodbyes = new ArrayList<>();
                // Each goodbye names the group as it is now (heir included), then says this node holds none of it.
                table.partners().forEach((peer, blocks) -> goodbyes.add(node.request(table.address(peer), BEAT_ROUTE,
                    new Beat(table.entriesFor(peer), List.copyOf(blocks), List.of()).encode())));
                CompletableFuture.allOf(goodbyes.toArray(new CompletableFuture<?>[0])).whenComplete((w, f) -> done.complete(null));
            });
        });
        return done;
    }

    // ---- the application API ----

    @Override
    public CompletableFuture<ContentId> put(byte[] content) {
        Objects.requireNonNull(content, "content");
        byte[] copy = content.clone();
        CompletableFuture<ContentId> result = node.context.newApplicationFuture();
        node.context.loop().execute(() -> puts.put(copy).whenComplete((id, error) -> complete(result, id, error)));
        return result;
    }

    /** Streams: a few chunks in memory at a time, however large the content (see {@link Streams}). */
    @Override
    public ContentId putStream(InputStream content) throws IOException {
        return streams.put(Objects.requireNonNull(content, "content"));
    }

    /** Streams: a few chunks in memory at a time, however large the content (see {@link Streams}). */
    @Override
    public long getStream(ContentId id, OutputStream out, GetOptions options) throws IOException {
        return streams.get(Objects.requireNonNull(id, "id"), Objects.requireNonNull(out, "out"),
            Objects.requireNonNull(options, "options"));
    }

    @Override
    public CompletableFuture<byte[]> get(ContentId id, GetOptions options) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(options, "options");
        CompletableFuture<byte[]> result = node.context.newApplicationFuture();
        node.context.loop().execute(() -> reads.read(id, options).whenComplete((content, error) -> complete(result, content, error)));
        return result;
    }

    @Override
    public CompletableFuture<ContentId> update(ContentId previous, byte[] content) {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(content, "content");
        byte[] copy = content.clone();
        CompletableFuture<ContentId> result = node.context.newApplicationFuture();
        node.context.loop().execute(() -> reads.fetchBlock(previous, List.of(), null).thenCompose(found -> {
            requireOwned(previous, found.stamp());
            return puts.put(copy).thenCompose(next -> next.equals(previous)
                ? CompletableFuture.completedFuture(next)
                : deleteOnLoop(previous, found, next).thenApply(v -> next));
        }).whenComplete((id, error) -> complete(result, id, error)));
        return result;
    }

    /** Streams: a few chunks in memory at a time, however large the new content (see {@link Streams}). */
    @Override
    public ContentId updateStream(ContentId previous, InputStream content) throws IOException {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(content, "content");
        return streams.update(previous, content, found -> requireOwned(previous, found.stamp()),
            (found, next) -> deleteOnLoop(previous, found, next));
    }

    /**
     * Deletes content this node owns: its root block and every chunk get the owner's tombstone. Succeeds once at
     * least one other holder of the root acknowledged it (or none but this node held it); fails with a
     * {@link StorageException} if none did, since the content may then still be readable.
     */
    @Override
    public CompletableFuture<Void> delete(ContentId id) {
        Objects.requireNonNull(id, "id");
        CompletableFuture<Void> result = node.context.newApplicationFuture();
        node.context.loop().execute(() -> reads.fetchBlock(id, List.of(), null).thenCompose(found -> {
            requireOwned(id, found.stamp());
            return deleteOnLoop(id, found, null);
        }).whenComplete((v, error) -> complete(result, v, error)));
        return result;
    }

    /** Whether this node holds a copy of {@code block} now; safe from any thread. */
    @Override
    public boolean holds(ContentId block) {
        return table.holds(block);
    }

    /** The blocks this node holds now; safe from any thread. */
    @Override
    public Set<ContentId> heldBlocks() {
        return table.heldBlocks();
    }

    /** Changes whenever a group is joined or left; on the node loop (for the retrieval layer's summaries). */
    @Override
    public long version() {
        return table.version();
    }

    /** The other members this node knows of in {@code block}'s group; on the node loop. */
    @Override
    public List<PeerAddress> alsoHeldBy(ContentId block) {
        Group group = table.get(block);
        return group == null ? List.of() : table.addressesOf(group.view.knownMembers());
    }

    /**
     * The members of {@code block}'s group that this node counts live now, itself included, in rank order (the
     * leader last); empty if this node holds no copy. For monitoring and tests: which peers keep a block, as this
     * member sees it.
     */
    public CompletableFuture<List<PeerId>> liveMembers(ContentId block) {
        Objects.requireNonNull(block, "block");
        CompletableFuture<List<PeerId>> result = node.context.newApplicationFuture();
        node.context.loop().execute(() -> {
            Group group = table.get(block);
            result.complete(group == null ? List.of() : group.view.liveMembers(node.now()));
        });
        return result;
    }

    /** How the groups this node belongs to are staffed now, and what it keeps for them; for monitoring. */
    public CompletableFuture<GroupSummary> summary() {
        CompletableFuture<GroupSummary> result = node.context.newApplicationFuture();
        node.context.loop().execute(() -> {
            int[] byState = new int[GroupState.values().length];
            long bytes = 0;
            for (Group group : table.groups.values()) {
                byState[group.view.state(node.now()).ordinal()]++;
                bytes += group.sizeBytes;
            }
            result.complete(new GroupSummary(byState[GroupState.COLD.ordinal()], byState[GroupState.GOLDILOCKS.ordinal()],
                byState[GroupState.HOT.ordinal()], bytes));
        });
        return result;
    }

    /** The settings in force. */
    public PcgConfig config() {
        return node.config;
    }

    private static <T> void complete(CompletableFuture<T> result, T value, Throwable error) {
        if (error != null) {
            result.completeExceptionally(PcgNode.unwrap(error));
        } else {
            result.complete(value);
        }
    }

    private void requireOwned(ContentId id, OwnerStamp stamp) {
        if (!stamp.owner().equals(node.self)) {
            throw new MutationRejectedException(id, "it is owned by " + stamp.owner().shortForm()
                + "; only the owner's signature can change it");
        }
    }

    private CompletableFuture<Void> deleteOnLoop(ContentId id, BlockReads.Found found, ContentId successor) {
        List<ContentId> chunks = new ArrayList<>();
        byte[] body = Chunker.body(found.data());
        if (successor == null && Manifest.looksLikeManifest(body)) {
            try {
                Manifest.decode(body).chunks().stream().distinct().forEach(chunks::add);
            } catch (WireFormatException e) {
                log.debug("{}: {} looks like a manifest but is not one; deleting the block alone", node.self.shortForm(), id);
            }
        }
        Tombstone root = Tombstone.sign(found.data(), node.self, successor, node.context::sign);
        boolean othersHeld = !found.holder().id().equals(node.self) || !found.members().isEmpty();
        CompletableFuture<Void> rootDeleted = tombstones.spread(root, found).thenAccept(acknowledged -> {
            if (othersHeld && acknowledged == 0) {
                throw new StorageException(id, "no holder of " + id + " acknowledged its deletion; it may still be readable");
            }
        });
        List<CompletableFuture<?>> deletions = new ArrayList<>();
        deletions.add(rootDeleted);
        for (ContentId chunk : chunks) {
            deletions.add(reads.fetchBlock(chunk, List.of(), null).handle((chunkFound, error) -> chunkFound)
                .thenCompose(chunkFound -> chunkFound == null ? CompletableFuture.completedFuture(0)
                    : tombstones.spread(Tombstone.sign(chunkFound.data(), node.self, null, node.context::sign), chunkFound)));
        }
        return CompletableFuture.allOf(deletions.toArray(new CompletableFuture<?>[0]));
    }
}
