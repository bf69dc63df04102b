package network.butter.persist;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import network.butter.api.Reply;
import network.butter.api.RequestTimeoutException;
import network.butter.env.Cancellable;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.persist.PcgMessages.FetchReply;
import network.butter.persist.StorageException.ContentDeletedException;
import network.butter.persist.StorageException.ContentNotFoundException;
import network.butter.retrieve.Candidate;
import network.butter.retrieve.Retrieval;
import network.butter.retrieve.Search;
import network.butter.retrieve.SearchStrategy;
import network.butter.store.Chunker;
import network.butter.store.ContentId;
import network.butter.store.Manifest;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading half of {@link PeerContentGroups}: finding one block (here, the group's members, then by search)
 * and reading whole content (manifest first, then its chunks in parallel from different members, with progress).
 * Runs on the node loop with the storage's state.
 */
final class BlockReads {

    private static final Logger log = LoggerFactory.getLogger(BlockReads.class);

    /** A lookup asks one peer at a time, and one more each time this long passes without an answer. */
    static final long LOOKUP_HEDGE_MS = 300;
    /** Most peers one lookup asks at once. */
    static final int LOOKUP_PARALLELISM = 4;
    /** Most updates in a row a read follows. */
    static final int MAX_SUCCESSOR_HOPS = 8;

    private final PcgNode pcg;
    private final GroupTable table;
    private final Tombstones tombstones;

    BlockReads(PcgNode pcg, GroupTable table, Tombstones tombstones) {
        this.pcg = pcg;
        this.table = table;
        this.tombstones = tombstones;
    }

    /** Reads content, following updates, on the node loop. */
    CompletableFuture<byte[]> read(ContentId id, GetOptions options) {
        return new Read(options).get(id, 0);
    }

    /** Looks a block up from scratch (no local copy), for repairing a member's lost copy. */
    CompletableFuture<Found> lookup(ContentId id, Group group) {
        return new Lookup(id, group, List.of(), null).start();
    }


    /** A block as found: its stamp, bytes and the group its holder knows. */
    record Found(OwnerStamp stamp, byte[] data, List<PeerAddress> members, PeerAddress holder) {
    }

    /** Thrown inside fetches when a block was superseded: the lookup follows the successor. */
    static final class Superseded extends RuntimeException {
        final ContentId successor;

        Superseded(ContentId successor) {
            super(null, null, false, false);
            this.successor = successor;
        }
    }

    /**
     * One application read: the block named, and if it is a manifest, its chunks in parallel, each first asked of
     * a different member of the manifest's group (puts place a content's blocks on the same members), with progress
     * reports in order.
     */
    private final class Read {
        private final GetOptions options;
        private final OrderedCallbacks callbacks = new OrderedCallbacks(pcg.context.applicationExecutor());
        private int blocksDone;
        private long bytesDone;

        Read(GetOptions options) {
            this.options = options;
        }

        CompletableFuture<byte[]> get(ContentId id, int hops) {
            return fetchBlock(id, List.of(), options.strategy()).thenCompose(found -> {
                byte[] body = Chunker.body(found.data);
                if (!Manifest.looksLikeManifest(body)) {
                    report(1, body.length, body.length);
                    return CompletableFuture.completedFuture(body);
                }
                Manifest manifest;
                try {
                    manifest = Manifest.decode(body);
                } catch (WireFormatException e) {
                    return CompletableFuture.failedFuture(new StorageException(id, "block " + id + " is not a valid manifest: " + e.getMessage()));
                }
                try {
                    Chunker.requireWithin(id, manifest, options.maxContentBytes());
                } catch (IllegalStateException e) {
                    return CompletableFuture.failedFuture(new StorageException(id, e.getMessage()));
                }
                int blocksTotal = 1 + manifest.chunks().size();
                report(blocksTotal, 0, manifest.totalBytes());
                List<PeerAddress> holders = new ArrayList<>();
                if (!found.holder.id().equals(pcg.self)) {
                    holders.add(found.holder);
                }
                found.members.stream().filter(m -> !m.id().equals(pcg.self) && !m.id().equals(found.holder.id())).forEach(holders::add);
                List<ContentId> distinct = List.copyOf(new LinkedHashSet<>(manifest.chunks()));
                List<Integer> indices = IntStream.range(0, distinct.size()).boxed().toList();
                List<CompletableFuture<Found>> fetched = Bounded.run(indices, PeerContentGroups.BLOCKS_IN_FLIGHT, index -> {
                    List<PeerAddress> preferred = rotated(holders, index);
                    return fetchBlock(distinct.get(index), preferred, options.strategy()).thenApply(part -> {
                        report(blocksTotal, Chunker.body(part.data).length, manifest.totalBytes());
                        return part;
                    });
                });
                Map<ContentId, CompletableFuture<Found>> chunks = new LinkedHashMap<>();
                for (int i = 0; i < distinct.size(); i++) {
                    chunks.put(distinct.get(i), fetched.get(i));
                }
                return CompletableFuture.allOf(fetched.toArray(new CompletableFuture<?>[0]))
                    .thenApply(v -> Chunker.assemble(id, block -> block.equals(id) ? found.data : chunks.get(block).join().data,
                        options.maxContentBytes()));
            }).exceptionallyCompose(error -> {
                Throwable cause = PcgNode.unwrap(error);
                if (cause instanceof Superseded moved) {
                    if (hops >= MAX_SUCCESSOR_HOPS) {
                        return CompletableFuture.failedFuture(new StorageException(id, "more than " + MAX_SUCCESSOR_HOPS
                            + " updates in a row from " + id + "; not following further"));
                    }
                    return get(moved.successor, hops + 1);
                }
                return CompletableFuture.failedFuture(cause);
            });
        }

        private void report(int blocksTotal, long bytes, long bytesTotal) {
            blocksDone++;
            bytesDone += bytes;
            FetchProgress progress = new FetchProgress(blocksDone, blocksTotal, bytesDone, bytesTotal);
            callbacks.run(() -> options.progress().accept(progress));
        }
    }

    private static List<PeerAddress> rotated(List<PeerAddress> peers, int by) {
        if (peers.isEmpty()) {
            return peers;
        }
        List<PeerAddress> order = new ArrayList<>(peers.size());
        for (int i = 0; i < peers.size(); i++) {
            order.add(peers.get((by + i) % peers.size()));
        }
        return order;
    }


    /**
     * Finds one block: here, then the {@code preferred} peers and the group's members, then by search (or, without
     * a retrieval layer, the known hosts and the peers they point to).
     */
    CompletableFuture<Found> fetchBlock(ContentId id, List<PeerAddress> preferred, SearchStrategy strategy) {
        Tombstone tombstone = tombstones.get(id);
        if (tombstone != null) {
            return CompletableFuture.failedFuture(gone(tombstone));
        }
        Group group = table.get(id);
        if (group != null) {
            Optional<byte[]> local = pcg.store.get(id);
            if (local.isPresent()) {
                return CompletableFuture.completedFuture(new Found(group.stamp, local.get(),
                    table.addressesOf(group.view.knownMembers()), pcg.context.self()));
            }
        }
        return new Lookup(id, group, preferred, strategy).start();
    }

    static RuntimeException gone(Tombstone tombstone) {
        return tombstone.successor() != null ? new Superseded(tombstone.successor())
            : new ContentDeletedException(tombstone.block());
    }

    /**
     * The search for one block driven from here. It asks one peer at a time, and one more (up to
     * {@link PeerContentGroups#LOOKUP_PARALLELISM}) each {@link PeerContentGroups#LOOKUP_HEDGE_MS} without an
     * answer, so a slow peer costs little time and a fast one no second copy. It asks the preferred peers and the
     * group's members first, then the holders the retrieval layer's {@link Search} names; without a retrieval layer,
     * or once the search ended without a copy, the known hosts and the peers named in "absent" answers. It stops
     * when a peer returns a verified copy, a valid tombstone settles it, or {@link PcgConfig#maxLookups()} peers were
     * asked. A corrupt or forged copy is logged and the lookup goes on elsewhere. A peer whose answer did not come
     * in time is asked once more, last: on a lossy network one lost request or reply is far likelier than a holder
     * gone, and the holders a search names may be the only ones there are.
     */
    final class Lookup {
        private final ContentId id;
        private final SearchStrategy strategy;
        private final Retrieval retrieval;
        private final CompletableFuture<Found> result = new CompletableFuture<>();
        private final Deque<PeerAddress> queue = new ArrayDeque<>();
        private final Set<PeerId> seen = new HashSet<>();
        private final Set<PeerId> retried = new HashSet<>();
        private Search search;
        private int asked;
        private int inFlight;
        private int parallelism = 1;
        private Cancellable hedge = Cancellable.NONE;
        /** Asking the known hosts and the peers they name: without a retrieval layer, or once its search failed. */
        private boolean exhaustive;

        Lookup(ContentId id, Group group, List<PeerAddress> preferred, SearchStrategy strategy) {
            this.id = id;
            this.strategy = strategy;
            this.retrieval = pcg.context.protocol(Retrieval.class).orElse(null);
            seen.add(pcg.self);
            preferred.forEach(this::offer);
            if (group != null) {
                table.addressesOf(group.view.knownMembers()).forEach(this::offer);
            }
            if (retrieval == null) {
                askAround();
            }
        }

        private void askAround() {
            exhaustive = true;
            List<PeerAddress> hosts = new ArrayList<>();
            pcg.knownHosts.hosts().forEach(host -> hosts.add(host.address()));
            pcg.shuffle(hosts);
            hosts.forEach(this::offer);
        }

        CompletableFuture<Found> start() {
            pump();
            result.whenComplete((found, error) -> {
                hedge.cancel();
                if (search != null) {
                    search.close();
                }
            });
            return result;
        }

        private void offer(PeerAddress peer) {
            if (seen.add(peer.id())) {
                queue.add(peer);
            }
        }

        private void onCandidate(Candidate candidate) {
            offer(candidate.holder());
            candidate.alsoHeldBy().forEach(this::offer);
            if (search != null) {
                pump();
            }
        }

        private void pump() {
            while (!result.isDone() && inFlight < parallelism && asked < pcg.config.maxLookups() && !queue.isEmpty()) {
                ask(queue.poll());
            }
            hedge.cancel();
            if (!result.isDone() && inFlight > 0 && parallelism < LOOKUP_PARALLELISM) {
                hedge = pcg.context.loop().schedule(LOOKUP_HEDGE_MS, () -> {
                    parallelism++;
                    pump();
                });
            }
            if (result.isDone() || inFlight > 0 || (!queue.isEmpty() && asked < pcg.config.maxLookups())) {
                return;
            }
            if (!exhaustive && asked < pcg.config.maxLookups()) {
                if (searchGoesOn()) {
                    return;
                }
                // The search ended empty-handed (too slow a network, stale summaries): ask around before giving up.
                askAround();
                if (!queue.isEmpty()) {
                    pump();
                    return;
                }
            }
            result.completeExceptionally(new ContentNotFoundException(id, asked));
        }

        /** Starts or widens the search when the peers known so far are used up; whether more may come of it. */
        private boolean searchGoesOn() {
            if (search == null) {
                try {
                    search = retrieval.search(id, strategy, this::onCandidate);
                } catch (IllegalStateException | IllegalArgumentException e) {
                    result.completeExceptionally(new StorageException(id, "cannot search for block " + id + ": " + e.getMessage()));
                    return true;
                }
                search.over().whenComplete((v, e) -> pump());
                if (!queue.isEmpty()) {
                    pump();
                    return true;
                }
            }
            if (!search.widened()) {
                search.widen();
            }
            return !search.over().isDone() || !queue.isEmpty();
        }

        private void ask(PeerAddress peer) {
            asked++;
            inFlight++;
            pcg.request(peer, PeerContentGroups.FETCH_ROUTE, id.toBytes()).whenComplete((reply, error) -> {
                inFlight--;
                if (error == null && !result.isDone()) {
                    handle(peer, reply);
                } else if (error != null && PcgNode.unwrap(error) instanceof RequestTimeoutException && retried.add(peer.id())) {
                    queue.addLast(peer);
                }
                pump();
            });
        }

        private void handle(PeerAddress peer, Reply reply) {
            FetchReply answer;
            try {
                answer = FetchReply.decode(reply.payload());
            } catch (WireFormatException e) {
                log.debug("{}: bad fetch reply from {}: {}", pcg.self.shortForm(), peer, e.getMessage());
                return;
            }
            switch (answer.status()) {
                case FOUND -> {
                    if (!answer.stamp().block().equals(id) || !answer.stamp().validFor(answer.data())) {
                        log.warn("{}: {} sent a corrupt or forged copy of {}; fetching it elsewhere",
                            pcg.self.shortForm(), peer, id);
                        return;
                    }
                    if (search != null) {
                        search.fetched(peer.id(), true);
                    }
                    result.complete(new Found(answer.stamp(), answer.data(), answer.peers(), peer));
                }
                case GONE -> {
                    Tombstone tombstone = answer.tombstone();
                    if (tombstone.block().equals(id) && tombstone.valid()) {
                        tombstones.remember(tombstone);
                        result.completeExceptionally(gone(tombstone));
                    }
                }
                case ABSENT -> {
                    if (search != null) {
                        search.fetched(peer.id(), false);
                    }
                    if (exhaustive) {
                        answer.peers().forEach(this::offer);
                    }
                }
            }
        }
    }
}
