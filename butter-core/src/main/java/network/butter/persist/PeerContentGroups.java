package network.butter.persist;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.env.Cancellable;
import network.butter.hosts.KnownHost;
import network.butter.hosts.KnownHosts;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.persist.PcgMessages.Beat;
import network.butter.persist.PcgMessages.Entry;
import network.butter.persist.PcgMessages.FetchReply;
import network.butter.persist.PcgMessages.Store;
import network.butter.persist.PcgMessages.StoreReply;
import network.butter.persist.PcgMessages.StoreStatus;
import network.butter.persist.PcgMessages.Trim;
import network.butter.persist.StorageException.InsufficientReplicasException;
import network.butter.persist.StorageException.MutationRejectedException;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.retrieve.HeldContent;
import network.butter.store.ChunkStore;
import network.butter.store.Chunker;
import network.butter.store.ContentId;
import network.butter.store.Manifest;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistent storage by Peer Content Groups: every block is kept by a small group of {@code r} members that watch
 * each other and repair the group as members come and go.
 *
 * <ul>
 *   <li><b>Heartbeats</b> are batched per peer pair: one exchange per partner per interval covers every group the
 *       two share, in both directions (the reply is the partner's beat), so the cost grows with partners, not with
 *       groups. Rounds have random palpitations, and a node skips a partner it exchanged with recently, so two
 *       partners rarely both start an exchange. A beat names the members each side knows, so groups learn of new
 *       members by gossip; hearsay makes a member known, only its own beat makes it live.</li>
 *   <li><b>Repair.</b> A member is gone when it misses {@link PcgConfig#memberTimeoutBeats()} beats, or at once
 *       when any protocol finds it unreachable (a reset connection), which is what makes repair fast. The leader —
 *       the highest live member id, so no vote is needed — then recruits from the known hosts, preferring
 *       long-lived candidates with room on another subnet, and partners it already beats with (no new exchange).
 *       It trims hot groups by asking the lowest ids to leave; a member leaves only if its own view agrees.</li>
 *   <li><b>Never giving up a copy alone.</b> A member that can reach nobody keeps its copy, leads its group of
 *       one and keeps recruiting. A node leaving gracefully hands each copy to a new member first.</li>
 *   <li><b>Ownership.</b> Blocks carry their owner's {@link OwnerStamp}; deletes and updates are
 *       {@link Tombstone}s signed by the owner, checked by every member, spread through the group and its
 *       heartbeats, and kept so a deleted block cannot come back.</li>
 *   <li><b>Durability.</b> Blocks and a small {@link GroupRecord} per block live in the {@link ChunkStore}; a node
 *       restarted on the same store rejoins its groups. A full store declines to join groups.</li>
 * </ul>
 *
 * <p>Needs {@link KnownHosts} installed on the node first. Runs on the node loop (the store's writes too).
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

    private static final Logger log = LoggerFactory.getLogger(PeerContentGroups.class);
    private static final int MAX_TOMBSTONES = 65_536;
    private static final int HINTS = 8;
    static final int LOOKUP_PARALLELISM = 4;
    /** A lookup asks one peer at a time, and one more each time this long passes without an answer. */
    static final long LOOKUP_HEDGE_MS = 300;
    /** Blocks of one read, or of one put, in flight at once. */
    static final int BLOCKS_IN_FLIGHT = 8;
    private static final long ANNOUNCE_DELAY_MS = 50;
    static final int MAX_SUCCESSOR_HOPS = 8;
    private static final int MAX_PUT_ATTEMPTS_PER_MEMBER = 3;
    private static final long DAY_MS = 86_400_000L;
    private static final int PROBE_EVERY_ROUNDS = 5;
    private static final int FORMER_MEMBER_TTL_BEATS = 60;

    final PcgConfig config;
    final ChunkStore store;
    private final Chunker chunker;
    final Map<ContentId, Group> groups = new TreeMap<>();
    final Map<ContentId, Tombstone> tombstones = new LinkedHashMap<>();
    private final Map<PeerId, PeerAddress> addresses = new HashMap<>();
    private final Map<PeerId, Long> lastExchangeMs = new HashMap<>();
    private final Map<PeerId, Set<ContentId>> owedNotHeld = new TreeMap<>();
    private final Map<PeerId, Long> failedAtMs = new HashMap<>();
    private final Map<PeerId, Long> declinedAtMs = new HashMap<>();
    private final Set<ContentId> heldSnapshot = ConcurrentHashMap.newKeySet();
    private final Set<PeerId> announcing = new TreeSet<>();
    private final BlockReads reads = new BlockReads(this);
    private long heldVersion;
    private final ChurnEstimate churn = new ChurnEstimate();
    ProtocolContext context;
    KnownHosts knownHosts;
    PeerId self;
    private Cancellable ticker = Cancellable.NONE;
    private boolean stopped;
    private long rounds;

    /**
     * @param config settings
     * @param store  where this node keeps its copies (a {@code FileChunkStore} on a real node, memory in tests);
     *               used on the node loop only from now on
     */
    public PeerContentGroups(PcgConfig config, ChunkStore store) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.chunker = new Chunker(config.chunkBytes());
    }

    @Override
    public String name() {
        return "peer-content-groups";
    }

    @Override
    public void start(ProtocolContext ctx) {
        this.context = ctx;
        this.self = ctx.self().id();
        this.knownHosts = ctx.protocol(KnownHosts.class).orElseThrow(() -> new IllegalStateException(
            "Peer Content Groups recruit from the known hosts: install KnownHosts on the node first"));
        knownHosts.reportStorage(store::availableBytes);
        if (config.minFrameBytes() > ctx.limits().maxFrameBytes()) {
            throw new IllegalStateException("chunks of " + config.chunkBytes() + " bytes do not fit in frames of "
                + ctx.limits().maxFrameBytes() + " bytes: lower chunkBytes or raise the node's frame limit");
        }
        rejoin();
        ctx.handle(STORE_ROUTE, this::onStore);
        ctx.handle(BEAT_ROUTE, this::onBeat);
        ctx.handle(FETCH_ROUTE, this::onFetch);
        ctx.handle(TRIM_ROUTE, this::onTrim);
        ctx.handle(DELETE_ROUTE, this::onDelete);
        ctx.onPeerFailed((peer, cause) -> peerFailed(peer, cause));
        ticker = ctx.loop().schedule(nextRoundDelayMs(), this::tick);
    }

    @Override
    public void stop() {
        stopped = true;
        ticker.cancel();
        saveRecords();
    }

    /**
     * Hands every copy to a new member, then tells partners this node no longer holds anything, naming the heirs so
     * nobody recruits for the vacancy a second time.
     */
    @Override
    public CompletableFuture<Void> leave() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.loop().execute(() -> {
            List<CompletableFuture<?>> handovers = new ArrayList<>();
            for (Group group : List.copyOf(groups.values())) {
                Optional<byte[]> data = store.get(group.block());
                List<PeerAddress> heirs = candidates(group, 1);
                if (data.isEmpty() || heirs.isEmpty()) {
                    continue;
                }
                PeerAddress heir = heirs.getFirst();
                List<PeerAddress> members = new ArrayList<>(addressesOf(group.view.knownMembers()));
                members.add(heir);
                learn(heir);
                handovers.add(request(heir, STORE_ROUTE, new Store(group.stamp, group.replication, members, data.get()).encode())
                    .thenAccept(reply -> group.view.heard(heir.id(), now())));
            }
            CompletableFuture.allOf(handovers.toArray(new CompletableFuture<?>[0])).whenComplete((v, e) -> {
                List<CompletableFuture<?>> goodbyes = new ArrayList<>();
                // Each goodbye names the group as it is now (heir included), then says this node holds none of it.
                partners().forEach((peer, blocks) -> goodbyes.add(request(addresses.get(peer), BEAT_ROUTE,
                    new Beat(entriesFor(peer), List.copyOf(blocks), List.of()).encode())));
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
        CompletableFuture<ContentId> result = context.newApplicationFuture();
        context.loop().execute(() -> putOnLoop(copy).whenComplete((id, error) -> complete(result, id, error)));
        return result;
    }

    @Override
    public CompletableFuture<byte[]> get(ContentId id, GetOptions options) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(options, "options");
        CompletableFuture<byte[]> result = context.newApplicationFuture();
        context.loop().execute(() -> reads.read(id, options).whenComplete((content, error) -> complete(result, content, error)));
        return result;
    }

    @Override
    public CompletableFuture<ContentId> update(ContentId previous, byte[] content) {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(content, "content");
        byte[] copy = content.clone();
        CompletableFuture<ContentId> result = context.newApplicationFuture();
        context.loop().execute(() -> reads.fetchBlock(previous, List.of(), null).thenCompose(found -> {
            requireOwned(previous, found.stamp());
            return putOnLoop(copy).thenCompose(next -> next.equals(previous)
                ? CompletableFuture.completedFuture(next)
                : deleteOnLoop(previous, found, next).thenApply(v -> next));
        }).whenComplete((id, error) -> complete(result, id, error)));
        return result;
    }

    @Override
    public CompletableFuture<Void> delete(ContentId id) {
        Objects.requireNonNull(id, "id");
        CompletableFuture<Void> result = context.newApplicationFuture();
        context.loop().execute(() -> reads.fetchBlock(id, List.of(), null).thenCompose(found -> {
            requireOwned(id, found.stamp());
            return deleteOnLoop(id, found, null);
        }).whenComplete((v, error) -> complete(result, v, error)));
        return result;
    }

    /** Whether this node holds a copy of {@code block} now; safe from any thread. */
    @Override
    public boolean holds(ContentId block) {
        return heldSnapshot.contains(block);
    }

    /** The blocks this node holds now; safe from any thread. */
    @Override
    public Set<ContentId> heldBlocks() {
        return Set.copyOf(heldSnapshot);
    }

    /** Changes whenever a group is joined or left; on the node loop (for the retrieval layer's summaries). */
    @Override
    public long version() {
        return heldVersion;
    }

    /** The other members this node knows of in {@code block}'s group; on the node loop. */
    @Override
    public List<PeerAddress> alsoHeldBy(ContentId block) {
        Group group = groups.get(block);
        return group == null ? List.of() : addressesOf(group.view.knownMembers());
    }

    /**
     * The members of {@code block}'s group that this node counts live now, itself included, in id order; empty if
     * this node holds no copy. For monitoring and tests: which peers keep a block, as this member sees it.
     */
    public CompletableFuture<List<PeerId>> liveMembers(ContentId block) {
        Objects.requireNonNull(block, "block");
        CompletableFuture<List<PeerId>> result = context.newApplicationFuture();
        context.loop().execute(() -> {
            Group group = groups.get(block);
            result.complete(group == null ? List.of() : group.view.liveMembers(now()));
        });
        return result;
    }

    /** The settings in force. */
    public PcgConfig config() {
        return config;
    }

    private static <T> void complete(CompletableFuture<T> result, T value, Throwable error) {
        if (error != null) {
            result.completeExceptionally(unwrap(error));
        } else {
            result.complete(value);
        }
    }

    private void requireOwned(ContentId id, OwnerStamp stamp) {
        if (!stamp.owner().equals(self)) {
            throw new MutationRejectedException(id, "it is owned by " + stamp.owner().shortForm()
                + "; only the owner's signature can change it");
        }
    }

    // ---- put ----

    /**
     * Puts every block of the content, asking the same candidates in the same order for all of them, so that a
     * content's blocks share members: a reader then fetches its chunks from those members in parallel, and their
     * heartbeats share peer pairs.
     */
    private CompletableFuture<ContentId> putOnLoop(byte[] content) {
        Chunker.Split split = chunker.split(content);
        int target = targetReplication();
        int largest = split.chunks().values().stream().mapToInt(bytes -> bytes.length).max().orElse(0);
        Group probe = new Group(OwnerStamp.sign(split.id(), self, context::sign), largest, self, target, config.memberTimeoutMs());
        List<PeerAddress> order = candidates(probe, target * MAX_PUT_ATTEMPTS_PER_MEMBER);
        List<Map.Entry<ContentId, byte[]>> chunks = List.copyOf(split.chunks().entrySet());
        List<CompletableFuture<Void>> blocks = Bounded.run(chunks, BLOCKS_IN_FLIGHT,
            chunk -> putBlock(chunk.getKey(), chunk.getValue(), target, order));
        return CompletableFuture.allOf(blocks.toArray(new CompletableFuture<?>[0])).thenApply(v -> split.id());
    }

    private CompletableFuture<Void> putBlock(ContentId id, byte[] bytes, int target, List<PeerAddress> order) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Tombstone tombstone = tombstones.get(id);
        if (tombstone != null) {
            done.completeExceptionally(new MutationRejectedException(id, "it was deleted by its owner and cannot be stored again"));
            return done;
        }
        OwnerStamp stamp = OwnerStamp.sign(id, self, context::sign);
        Group local = groups.get(id);
        if (local == null && store.put(id, bytes)) {
            local = join(stamp, bytes.length, target, List.of());
        }
        Group group = local;
        PutAttempt attempt = new PutAttempt(id, group == null ? stamp : group.stamp, bytes, target, group, done);
        attempt.start(order);
        return done;
    }

    /** One block's put: asks candidates until the write quorum holds it or the candidates run out. */
    private final class PutAttempt {
        private final ContentId id;
        private final OwnerStamp stamp;
        private final byte[] bytes;
        private final int target;
        private final Group localGroup;
        private final CompletableFuture<Void> done;
        private final Deque<PeerAddress> queue = new ArrayDeque<>();
        private final List<PeerAddress> members = new ArrayList<>();
        private int stored;
        private int inFlight;
        private String lastProblem = "no candidates among the known hosts";

        PutAttempt(ContentId id, OwnerStamp stamp, byte[] bytes, int target, Group localGroup, CompletableFuture<Void> done) {
            this.id = id;
            this.stamp = stamp;
            this.bytes = bytes;
            this.target = target;
            this.localGroup = localGroup;
            this.done = done;
        }

        void start(List<PeerAddress> order) {
            if (localGroup != null) {
                stored = 1 + (int) localGroup.view.liveMembers(now()).stream().filter(m -> !m.equals(self)).count();
                members.add(context.self());
                members.addAll(addressesOf(localGroup.view.knownMembers()));
            }
            int wanted = Math.max(0, target - stored);
            for (PeerAddress candidate : order) {
                if (localGroup == null || !localGroup.view.knows(candidate.id())) {
                    queue.add(candidate);
                }
            }
            List<PeerAddress> first = new ArrayList<>();
            while (first.size() < wanted && !queue.isEmpty()) {
                first.add(queue.poll());
            }
            members.addAll(first);
            if (stored >= config.writeQuorum() && wanted == 0) {
                done.complete(null);
                return;
            }
            first.forEach(this::ask);
            finishIfStuck();
        }

        private void ask(PeerAddress candidate) {
            learn(candidate);
            inFlight++;
            if (localGroup != null) {
                localGroup.recruiting.add(candidate.id());
            }
            request(candidate, STORE_ROUTE, new Store(stamp, target, List.copyOf(members), bytes).encode())
                .whenComplete((reply, error) -> {
                    inFlight--;
                    if (localGroup != null) {
                        localGroup.recruiting.remove(candidate.id());
                    }
                    StoreReply answer = error == null ? decodeStoreReply(candidate, reply) : null;
                    if (answer != null && answer.status() == StoreStatus.STORED && localGroup != null) {
                        tellIfDeleted(localGroup, candidate);
                    }
                    if (answer != null && answer.status() == StoreStatus.STORED) {
                        stored++;
                        if (localGroup != null && groups.get(id) == localGroup) {
                            localGroup.view.heard(candidate.id(), now());
                            localGroup.dirty = true;
                            maintain(localGroup);
                        }
                        if (stored >= config.writeQuorum()) {
                            done.complete(null);
                        }
                    } else {
                        lastProblem = answer != null ? candidate.id().shortForm() + " answered " + answer.status()
                            + (answer.reason().isEmpty() ? "" : " (" + answer.reason() + ")")
                            : candidate.id().shortForm() + ": " + error.getMessage();
                        if (answer != null && answer.status() == StoreStatus.FULL) {
                            declinedAtMs.put(candidate.id(), now());
                        }
                        if (answer != null && answer.status() == StoreStatus.DELETED && answer.tombstone() != null) {
                            apply(answer.tombstone(), null);
                            done.completeExceptionally(new MutationRejectedException(id,
                                "it was deleted by its owner and cannot be stored again"));
                            return;
                        }
                        PeerAddress next = queue.poll();
                        if (next != null && !done.isDone()) {
                            members.add(next);
                            ask(next);
                        }
                    }
                    finishIfStuck();
                });
        }

        private void finishIfStuck() {
            if (!done.isDone() && inFlight == 0) {
                done.completeExceptionally(new InsufficientReplicasException(id, stored, config.writeQuorum(), lastProblem));
            }
        }
    }

    /** The cause inside a {@link java.util.concurrent.CompletionException}, or the error itself. */
    static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    // ---- delete and update ----

    private CompletableFuture<Void> deleteOnLoop(ContentId id, BlockReads.Found found, ContentId successor) {
        List<ContentId> blocks = new ArrayList<>();
        blocks.add(id);
        if (successor == null && Manifest.looksLikeManifest(found.data())) {
            try {
                Manifest.decode(found.data()).chunks().stream().distinct().forEach(blocks::add);
            } catch (WireFormatException e) {
                log.debug("{}: {} looks like a manifest but is not one; deleting the block alone", self.shortForm(), id);
            }
        }
        Tombstone root = Tombstone.sign(id, self, successor, context::sign);
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        deletions.add(spreadTombstone(root, found));
        for (ContentId chunk : blocks.subList(1, blocks.size())) {
            Tombstone tombstone = Tombstone.sign(chunk, self, null, context::sign);
            deletions.add(reads.fetchBlock(chunk, List.of(), null).handle((chunkFound, error) -> chunkFound)
                .thenCompose(chunkFound -> spreadTombstone(tombstone, chunkFound)));
        }
        return CompletableFuture.allOf(deletions.toArray(new CompletableFuture<?>[0]));
    }

    /** Applies a tombstone here and sends it to the block's holder and every member it named. */
    private CompletableFuture<Void> spreadTombstone(Tombstone tombstone, BlockReads.Found found) {
        Set<PeerId> targets = new HashSet<>();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        Group group = groups.get(tombstone.block());
        List<PeerAddress> members = new ArrayList<>(group == null ? List.of() : addressesOf(group.view.knownMembers()));
        if (found != null) {
            members.add(found.holder());
            members.addAll(found.members());
        }
        apply(tombstone, null);
        byte[] payload = tombstone.encode();
        for (PeerAddress member : members) {
            if (!member.id().equals(self) && targets.add(member.id())) {
                sends.add(request(member, DELETE_ROUTE, payload));
            }
        }
        return CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).handle((v, error) -> null);
    }

    /**
     * Applies a valid tombstone: drops the copy it covers and keeps the tombstone. Returns whether anything
     * changed; when it did, the tombstone goes on to the members this node knew (except {@code from}).
     */
    private boolean apply(Tombstone tombstone, PeerId from) {
        if (tombstones.containsKey(tombstone.block())) {
            return false;
        }
        Group group = groups.get(tombstone.block());
        if (group != null && !tombstone.covers(group.stamp)) {
            return false;
        }
        rememberTombstone(tombstone);
        if (group != null) {
            List<PeerAddress> members = addressesOf(group.view.knownMembers());
            drop(group);
            byte[] payload = tombstone.encode();
            for (PeerAddress member : members) {
                if (!member.id().equals(from)) {
                    request(member, DELETE_ROUTE, payload);
                }
            }
        }
        return true;
    }

    void rememberTombstone(Tombstone tombstone) {
        if (tombstones.putIfAbsent(tombstone.block(), tombstone) != null) {
            return;
        }
        store.putRecord(tombstone.block(), GroupRecord.deleted(tombstone).encode());
        if (tombstones.size() > MAX_TOMBSTONES) {
            Iterator<ContentId> oldest = tombstones.keySet().iterator();
            ContentId evicted = oldest.next();
            oldest.remove();
            if (!groups.containsKey(evicted)) {
                store.removeRecord(evicted);
            }
        }
    }

    // ---- routes ----

    private Reply onStore(Request request) throws WireFormatException {
        Store message = Store.decode(request.payload());
        ContentId block = message.stamp().block();
        Tombstone tombstone = tombstones.get(block);
        if (tombstone != null && tombstone.covers(message.stamp())) {
            return Reply.of(new StoreReply(StoreStatus.DELETED, tombstone, "").encode());
        }
        if (!block.matches(message.data())) {
            return Reply.of(new StoreReply(StoreStatus.INVALID, null, "the data does not hash to " + block).encode());
        }
        if (!message.stamp().valid()) {
            return Reply.of(new StoreReply(StoreStatus.INVALID, null, "the owner's signature is not valid").encode());
        }
        learn(request.from());
        Group group = groups.get(block);
        if (group == null) {
            if (stopped || !store.put(block, message.data())) {
                return Reply.of(new StoreReply(StoreStatus.FULL, null,
                    store.availableBytes() + " bytes free of " + store.capacityBytes()).encode());
            }
            group = join(message.stamp(), message.data().length, message.replication(), message.members());
            announce(group, request.from().id());
        } else {
            introduceAll(group, message.members());
        }
        group.view.heard(request.from().id(), now());
        group.replication = Math.max(group.replication, message.replication());
        maintain(group);
        return Reply.of(new StoreReply(StoreStatus.STORED, null, "").encode());
    }

    private Reply onBeat(Request request) throws WireFormatException {
        Beat beat = Beat.decode(request.payload());
        PeerAddress from = request.from();
        learn(from);
        lastExchangeMs.put(from.id(), now());
        Set<ContentId> notHeld = new TreeSet<>();
        List<Tombstone> owedTombstones = new ArrayList<>();
        absorb(from, beat, notHeld, owedTombstones);
        Set<ContentId> owed = owedNotHeld.remove(from.id());
        if (owed != null) {
            notHeld.addAll(owed);
        }
        List<Entry> held = entriesFor(from.id());
        return Reply.of(new Beat(held, List.copyOf(notHeld), owedTombstones).encode());
    }

    private Reply onFetch(Request request) throws WireFormatException {
        if (request.payload().length != ContentId.LENGTH_BYTES) {
            throw new WireFormatException(network.butter.wire.ErrorCode.MALFORMED_FRAME,
                "a fetch names one " + ContentId.LENGTH_BYTES + "-byte content id, got " + request.payload().length + " bytes");
        }
        ContentId id = ContentId.fromBytes(request.payload());
        Tombstone tombstone = tombstones.get(id);
        if (tombstone != null) {
            return Reply.of(FetchReply.gone(tombstone).encode());
        }
        Group group = groups.get(id);
        if (group != null) {
            Optional<byte[]> data = store.get(id);
            if (data.isPresent()) {
                return Reply.of(FetchReply.found(group.stamp, data.get(), addressesOf(group.view.knownMembers())).encode());
            }
            log.warn("{}: lost its copy of {} (corrupt or removed); fetching it again from the group", self.shortForm(), id);
            restoreCopy(group);
        }
        List<PeerAddress> hints = new ArrayList<>();
        List<KnownHost> hosts = new ArrayList<>(knownHosts.hosts());
        shuffle(hosts);
        for (KnownHost host : hosts) {
            if (hints.size() < HINTS && !host.address().id().equals(request.from().id())) {
                hints.add(host.address());
            }
        }
        return Reply.of(FetchReply.absent(hints).encode());
    }

    private Reply onTrim(Request request) throws WireFormatException {
        Trim trim = Trim.decode(request.payload());
        Group group = groups.get(trim.block());
        if (group == null) {
            return Reply.of(new byte[] {PcgMessages.DROPPED});
        }
        long now = now();
        group.view.heard(request.from().id(), now);
        learn(request.from());
        introduceAll(group, trim.live());
        if (!group.view.surplus(now, trim.replication()).contains(self)) {
            return Reply.of(new byte[] {PcgMessages.KEPT});
        }
        for (PeerId member : group.view.knownMembers()) {
            owedNotHeld.computeIfAbsent(member, m -> new TreeSet<>()).add(trim.block());
        }
        drop(group);
        store.remove(trim.block());
        store.removeRecord(trim.block());
        return Reply.of(new byte[] {PcgMessages.DROPPED});
    }

    private Reply onDelete(Request request) throws WireFormatException {
        Tombstone tombstone = Tombstone.decode(request.payload());
        if (!tombstone.valid()) {
            return refused("the tombstone's signature is not its owner's");
        }
        Group group = groups.get(tombstone.block());
        if (group != null && !tombstone.covers(group.stamp)) {
            return refused("block " + tombstone.block() + " is owned by " + group.stamp.owner().shortForm()
                + ", not by the signer " + tombstone.owner().shortForm());
        }
        apply(tombstone, request.from().id());
        return Reply.of(new byte[] {PcgMessages.APPLIED});
    }

    private static Reply refused(String reason) {
        return Reply.of(new network.butter.wire.PayloadWriter(reason.length() + 3).u8(PcgMessages.REFUSED).text(reason).toByteArray());
    }

    // ---- heartbeats and group upkeep ----

    private void tick() {
        if (stopped) {
            return;
        }
        long now = now();
        failedAtMs.values().removeIf(at -> now - at > config.memberTimeoutMs());
        declinedAtMs.values().removeIf(at -> now - at > 10 * config.heartbeatIntervalMs());
        for (Group group : groups.values()) {
            List<PeerId> expired = group.view.expire(now);
            if (!expired.isEmpty()) {
                group.dirty = true;
                churn.lost(expired.size());
                expired.forEach(member -> group.remember(member, now));
            }
            group.formers.values().removeIf(at -> now - at > FORMER_MEMBER_TTL_BEATS * config.heartbeatIntervalMs());
        }
        if (++rounds % PROBE_EVERY_ROUNDS == 0) {
            probeFormerMembers();
        }
        churn.observe(now, partnerCount());
        long skipWithinMs = Math.round(config.heartbeatIntervalMs() * (1 - config.palpitation()) * 0.9);
        Map<PeerId, Set<ContentId>> partners = partners();
        Set<PeerId> targets = new TreeSet<>(partners.keySet());
        targets.addAll(owedNotHeld.keySet());
        for (PeerId peer : targets) {
            Long last = lastExchangeMs.get(peer);
            boolean owes = owedNotHeld.containsKey(peer);
            if (!owes && last != null && now - last < skipWithinMs) {
                continue;
            }
            beat(peer);
        }
        for (Group group : List.copyOf(groups.values())) {
            maintain(group);
        }
        saveRecords();
        ticker = context.loop().schedule(nextRoundDelayMs(), this::tick);
    }

    private long nextRoundDelayMs() {
        return Heartbeats.nextBeatDelayMs(config.heartbeatIntervalMs(), config.palpitation(), context.random());
    }

    private void beat(PeerId peer) {
        PeerAddress address = addresses.get(peer);
        if (address == null) {
            owedNotHeld.remove(peer);
            return;
        }
        Set<ContentId> owed = owedNotHeld.remove(peer);
        Beat beat = new Beat(entriesFor(peer), owed == null ? List.of() : List.copyOf(owed), List.of());
        lastExchangeMs.put(peer, now());
        request(address, BEAT_ROUTE, beat.encode()).whenComplete((reply, error) -> {
            if (stopped) {
                return;
            }
            if (error != null) {
                peerFailed(peer, unwrap(error));
                return;
            }
            try {
                Beat answer = Beat.decode(reply.payload());
                Set<ContentId> notHeld = new TreeSet<>();
                List<Tombstone> owedTombstones = new ArrayList<>();
                absorb(address, answer, notHeld, owedTombstones);
                if (!notHeld.isEmpty()) {
                    owedNotHeld.computeIfAbsent(peer, p -> new TreeSet<>()).addAll(notHeld);
                }
                owedTombstones.forEach(tombstone -> request(address, DELETE_ROUTE, tombstone.encode()));
            } catch (WireFormatException e) {
                log.debug("{}: bad heartbeat answer from {}: {}", self.shortForm(), address, e.getMessage());
            }
        });
    }

    /**
     * Takes in a beat (or a beat's answer) from {@code from}: groups both hold hear from it and learn its members;
     * groups it names that this node does not hold go into {@code notHeld} (or their tombstone into
     * {@code owedTombstones}); groups it no longer holds forget it; tombstones are applied.
     */
    private void absorb(PeerAddress from, Beat beat, Set<ContentId> notHeld, List<Tombstone> owedTombstones) {
        long now = now();
        for (Tombstone tombstone : beat.tombstones()) {
            if (tombstone.valid()) {
                apply(tombstone, from.id());
            }
        }
        for (Entry entry : beat.held()) {
            Group group = groups.get(entry.block());
            if (group != null) {
                group.view.heard(from.id(), now);
                group.formers.remove(from.id());
                introduceAll(group, entry.members());
                if (group.dirty) {
                    maintain(group);
                }
            } else {
                Tombstone tombstone = tombstones.get(entry.block());
                if (tombstone != null) {
                    owedTombstones.add(tombstone);
                } else {
                    notHeld.add(entry.block());
                }
            }
        }
        for (ContentId block : beat.notHeld()) {
            Group group = groups.get(block);
            if (group != null) {
                group.formers.remove(from.id());
            }
            if (group != null && group.view.knows(from.id())) {
                group.view.forget(from.id());
                group.dirty = true;
                maintain(group);
            }
        }
    }

    /**
     * A new member beats the group's other members at once (after answering the recruiter), so they count it live
     * now rather than after a round of gossip, and nobody recruits a second time for the same vacancy.
     */
    /**
     * Tells the group's other members at once that this node joined. Joins arriving together (the blocks of one
     * put) are announced together: one beat per partner after {@link #ANNOUNCE_DELAY_MS}, since each beat covers
     * every group the two share.
     */
    private void announce(Group group, PeerId recruiter) {
        boolean idle = announcing.isEmpty();
        for (PeerId member : group.view.knownMembers()) {
            if (!member.equals(recruiter) && !member.equals(self)) {
                announcing.add(member);
            }
        }
        if (idle && !announcing.isEmpty()) {
            context.loop().schedule(ANNOUNCE_DELAY_MS, () -> {
                List<PeerId> due = List.copyOf(announcing);
                announcing.clear();
                due.forEach(this::beat);
            });
        }
    }

    /**
     * Beats former members that went silent (not those that refused): if one answers that it still holds the
     * block, both sides take each other back in, so groups split by a partition merge when it heals (and the
     * leader trims the surplus).
     */
    private void probeFormerMembers() {
        Map<PeerId, List<Entry>> probes = new TreeMap<>();
        for (Group group : groups.values()) {
            for (PeerId former : group.formers.keySet()) {
                if (addresses.containsKey(former) && !group.view.knows(former)) {
                    List<PeerAddress> members = new ArrayList<>(addressesOf(group.view.liveMembers(now())));
                    probes.computeIfAbsent(former, f -> new ArrayList<>()).add(new Entry(group.block(), members));
                }
            }
        }
        probes.forEach((peer, entries) -> {
            PeerAddress address = addresses.get(peer);
            request(address, BEAT_ROUTE, new Beat(entries, List.of(), List.of()).encode()).whenComplete((reply, error) -> {
                if (error == null && !stopped) {
                    try {
                        absorb(address, Beat.decode(reply.payload()), new TreeSet<>(), new ArrayList<>());
                    } catch (WireFormatException e) {
                        log.debug("{}: bad probe answer from {}: {}", self.shortForm(), address, e.getMessage());
                    }
                }
            });
        });
    }

    /** The groups this node shares with {@code peer}, as beat entries. */
    private List<Entry> entriesFor(PeerId peer) {
        List<Entry> entries = new ArrayList<>();
        for (Group group : groups.values()) {
            if (group.view.knows(peer) && !peer.equals(self)) {
                List<PeerAddress> members = new ArrayList<>();
                members.add(context.self());
                members.addAll(addressesOf(group.view.knownMembers()));
                entries.add(new Entry(group.block(), members));
            }
        }
        return entries;
    }

    /** Every peer this node shares a group with, with the blocks shared. */
    private Map<PeerId, Set<ContentId>> partners() {
        Map<PeerId, Set<ContentId>> partners = new TreeMap<>();
        for (Group group : groups.values()) {
            for (PeerId member : group.view.knownMembers()) {
                partners.computeIfAbsent(member, m -> new TreeSet<>()).add(group.block());
            }
        }
        return partners;
    }

    private int partnerCount() {
        Set<PeerId> live = new HashSet<>();
        long now = now();
        for (Group group : groups.values()) {
            live.addAll(group.view.liveMembers(now));
        }
        live.remove(self);
        return live.size();
    }

    /**
     * A peer failed. A refused or reset connection means it is gone; a timeout may be a partition, so the peer is
     * kept as a former member and probed now and then, and the groups merge again once it answers.
     */
    private void peerFailed(PeerId peer, Throwable cause) {
        if (stopped) {
            return;
        }
        long now = now();
        boolean silent = cause instanceof network.butter.api.RequestTimeoutException;
        failedAtMs.put(peer, now);
        lastExchangeMs.remove(peer);
        owedNotHeld.remove(peer);
        int lost = 0;
        for (Group group : List.copyOf(groups.values())) {
            if (group.view.knows(peer)) {
                if (silent) {
                    group.remember(peer, now);
                }
                group.view.forget(peer);
                group.dirty = true;
                lost++;
                maintain(group);
            }
        }
        if (lost > 0) {
            churn.lost(1);
        }
    }

    /** The leader's duties: recruit into a cold group, trim a hot one. Other members only keep their copy. */
    private void maintain(Group group) {
        if (stopped || groups.get(group.block()) != group) {
            return;
        }
        if (group.dirty) {
            store.putRecord(group.block(), record(group));
            group.dirty = false;
        }
        long now = now();
        List<PeerId> live = group.view.liveMembers(now);
        if (!live.getLast().equals(self)) {
            return;
        }
        if (now < group.quietUntilMs) {
            return;
        }
        int target = Math.max(group.replication, targetReplication());
        // Members only heard of are given until the member timeout to show up before anyone is recruited for them.
        int missing = target - live.size() - group.recruiting.size() - group.view.introducedCount();
        if (missing > 0) {
            recruit(group, candidates(group, missing), target);
        } else if (live.size() > target && group.recruiting.isEmpty() && group.trimming.isEmpty()) {
            for (PeerId surplus : group.view.surplus(now, target)) {
                trim(group, surplus, target);
            }
        }
    }

    private void recruit(Group group, List<PeerAddress> recruits, int target) {
        if (recruits.isEmpty()) {
            return;
        }
        Optional<byte[]> data = store.get(group.block());
        if (data.isEmpty()) {
            restoreCopy(group);
            return;
        }
        List<PeerAddress> members = new ArrayList<>(addressesOf(group.view.liveMembers(now())));
        members.addAll(recruits);
        byte[] payload = new Store(group.stamp, target, members, data.get()).encode();
        for (PeerAddress recruit : recruits) {
            learn(recruit);
            group.recruiting.add(recruit.id());
            request(recruit, STORE_ROUTE, payload).whenComplete((reply, error) -> {
                group.recruiting.remove(recruit.id());
                StoreReply answer = error == null ? decodeStoreReply(recruit, reply) : null;
                if (answer != null && answer.status() == StoreStatus.STORED && tellIfDeleted(group, recruit)) {
                    return;
                }
                if (answer != null && answer.status() == StoreStatus.STORED) {
                    group.view.heard(recruit.id(), now());
                    group.dirty = true;
                    log.debug("{}: recruited {} into the group of {}", self.shortForm(), recruit.id().shortForm(), group.block());
                } else if (answer != null && answer.status() == StoreStatus.DELETED && answer.tombstone() != null) {
                    apply(answer.tombstone(), null);
                    return;
                } else if (answer != null && answer.status() == StoreStatus.FULL) {
                    declinedAtMs.put(recruit.id(), now());
                } else {
                    failedAtMs.put(recruit.id(), now());
                }
                maintain(group);
            });
        }
    }

    /** A recruit answered after the block was deleted here: pass the tombstone on. Returns whether it was. */
    private boolean tellIfDeleted(Group group, PeerAddress recruit) {
        Tombstone tombstone = tombstones.get(group.block());
        if (tombstone == null || groups.get(group.block()) == group) {
            return false;
        }
        request(recruit, DELETE_ROUTE, tombstone.encode());
        return true;
    }

    private void trim(Group group, PeerId surplus, int target) {
        PeerAddress address = addresses.get(surplus);
        if (address == null) {
            return;
        }
        group.trimming.add(surplus);
        byte[] payload = new Trim(group.block(), target, addressesOf(group.view.liveMembers(now()))).encode();
        request(address, TRIM_ROUTE, payload).whenComplete((reply, error) -> {
            group.trimming.remove(surplus);
            if (error == null && reply.payload().length == 1 && reply.payload()[0] == PcgMessages.DROPPED) {
                group.view.forget(surplus);
                group.dirty = true;
                maintain(group);
            }
        });
    }

    /**
     * Recruiting candidates for a group, best first: known hosts outside the group with room for the block,
     * neither failed nor full lately. Score: uptime (saturating at an hour), a partner already beating with this
     * node (no new exchange), and a subnet no member is on; a small random term breaks ties.
     */
    private List<PeerAddress> candidates(Group group, int wanted) {
        if (wanted <= 0) {
            return List.of();
        }
        Set<String> memberSubnets = new HashSet<>();
        for (PeerId member : group.view.knownMembers()) {
            PeerAddress address = addresses.get(member);
            if (address != null) {
                memberSubnets.add(network.butter.hosts.HostClass.subnetOf(address.host()));
            }
        }
        Set<PeerId> partners = partners().keySet();
        record Scored(PeerAddress address, double score) {
        }
        List<Scored> scored = new ArrayList<>();
        for (KnownHost host : knownHosts.hosts()) {
            PeerId id = host.address().id();
            if (id.equals(self) || group.view.knows(id) || group.recruiting.contains(id) || failedAtMs.containsKey(id)
                || declinedAtMs.containsKey(id) || host.quality().storageAvailableBytes() < group.sizeBytes) {
                continue;
            }
            double score = Math.min(1.0, host.quality().uptimeMs() / 3_600_000.0)
                + (partners.contains(id) ? 0.5 : 0)
                + (memberSubnets.contains(host.subnet()) ? 0 : 0.5)
                + 0.25 * context.random().nextDouble();
            scored.add(new Scored(host.address(), score));
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed());
        List<PeerAddress> best = new ArrayList<>();
        for (int i = 0; i < Math.min(wanted, scored.size()); i++) {
            best.add(scored.get(i).address());
        }
        return best;
    }

    /** This member's copy is gone (corrupt on disk): fetch it again from the group and keep serving. */
    private void restoreCopy(Group group) {
        reads.lookup(group.block(), group).whenComplete((found, error) -> {
            if (found != null && groups.get(group.block()) == group) {
                store.put(group.block(), found.data());
            }
        });
    }

    /** The replication factor for new and repaired groups: {@code r}, raised under observed churn if adaptive. */
    int targetReplication() {
        if (!config.adaptive()) {
            return config.replication();
        }
        double ratePerMs = churn.lossRatePerMemberMs();
        if (ratePerMs <= 0) {
            return config.replication();
        }
        double repairMs = config.memberTimeoutMs() + config.requestTimeoutMs();
        double memberLoss = 1 - Math.exp(-ratePerMs * repairMs);
        double windowsPerDay = DAY_MS / repairMs;
        for (int r = config.replication(); r < config.maxReplication(); r++) {
            if (windowsPerDay * Math.pow(memberLoss, r) <= config.targetLossPerDay()) {
                return r;
            }
        }
        return config.maxReplication();
    }

    // ---- membership bookkeeping ----

    private Group join(OwnerStamp stamp, int sizeBytes, int replication, List<PeerAddress> members) {
        Group group = new Group(stamp, sizeBytes, self, replication, config.memberTimeoutMs());
        groups.put(stamp.block(), group);
        heldSnapshot.add(stamp.block());
        heldVersion++;
        introduceAll(group, members);
        store.putRecord(stamp.block(), record(group));
        group.dirty = false;
        return group;
    }

    private void drop(Group group) {
        groups.remove(group.block());
        heldSnapshot.remove(group.block());
        heldVersion++;
        store.remove(group.block());
        if (!tombstones.containsKey(group.block())) {
            store.removeRecord(group.block());
        }
    }

    private void introduceAll(Group group, List<PeerAddress> members) {
        long now = now();
        for (PeerAddress member : members) {
            if (member.id().equals(self) || failedAtMs.containsKey(member.id())) {
                continue;
            }
            learn(member);
            if (group.view.introduce(member.id(), now)) {
                group.dirty = true;
            }
        }
    }

    private void learn(PeerAddress peer) {
        if (!peer.id().equals(self)) {
            addresses.put(peer.id(), peer);
        }
    }

    List<PeerAddress> addressesOf(List<PeerId> peers) {
        List<PeerAddress> known = new ArrayList<>(peers.size());
        for (PeerId peer : peers) {
            PeerAddress address = peer.equals(self) ? context.self() : addresses.get(peer);
            if (address != null) {
                known.add(address);
            }
        }
        return known;
    }

    private byte[] record(Group group) {
        return GroupRecord.held(group.stamp, group.replication, addressesOf(group.view.knownMembers())).encode();
    }

    private void saveRecords() {
        for (Group group : groups.values()) {
            if (group.dirty) {
                store.putRecord(group.block(), record(group));
                group.dirty = false;
            }
        }
        addresses.keySet().retainAll(activePeers());
    }

    private Set<PeerId> activePeers() {
        Set<PeerId> active = new HashSet<>(partners().keySet());
        active.addAll(owedNotHeld.keySet());
        for (Group group : groups.values()) {
            active.addAll(group.recruiting);
            active.addAll(group.trimming);
            active.addAll(group.formers.keySet());
        }
        return active;
    }

    /** After a restart: take back every block still in the store with its group, and every tombstone. */
    private void rejoin() {
        int held = 0;
        for (ContentId block : new TreeSet<>(store.recordIds())) {
            Optional<byte[]> bytes = store.record(block);
            if (bytes.isEmpty()) {
                continue;
            }
            GroupRecord record;
            try {
                record = GroupRecord.decode(bytes.get());
            } catch (WireFormatException e) {
                log.warn("{}: ignoring an unreadable group record for {}: {}", self.shortForm(), block, e.getMessage());
                continue;
            }
            if (record.tombstone() != null) {
                tombstones.put(block, record.tombstone());
            } else if (store.contains(block) && record.stamp().block().equals(block)) {
                Group group = new Group(record.stamp(), (int) Math.min(Integer.MAX_VALUE, store.get(block).map(b -> b.length).orElse(0)),
                    self, record.replication(), config.memberTimeoutMs());
                group.quietUntilMs = now() + config.memberTimeoutMs(); // let the old members answer first
                groups.put(block, group);
                heldSnapshot.add(block);
                heldVersion++;
                introduceAll(group, record.members());
                held++;
            }
        }
        if (held > 0 || !tombstones.isEmpty()) {
            log.info("{}: rejoining {} groups from the store ({} tombstones)", self.shortForm(), held, tombstones.size());
        }
    }

    private StoreReply decodeStoreReply(PeerAddress from, Reply reply) {
        try {
            return StoreReply.decode(reply.payload());
        } catch (WireFormatException e) {
            log.debug("{}: bad store reply from {}: {}", self.shortForm(), from, e.getMessage());
            return null;
        }
    }

    CompletableFuture<Reply> request(PeerAddress peer, String route, byte[] payload) {
        return context.request(peer, route, payload, Duration.ofMillis(config.requestTimeoutMs()));
    }

    private long now() {
        return context.loop().nowMillis();
    }

    /**
     * How fast members of this node's groups disappear: losses over member-time observed, smoothed over the last
     * few minutes, for adaptive replication.
     */
    private static final class ChurnEstimate {
        private static final double HALF_LIFE_MS = 60_000;
        private double losses;
        private double memberMs;
        private long lastMs = -1;

        void lost(int members) {
            losses += members;
        }

        void observe(long nowMs, int members) {
            if (lastMs >= 0) {
                long elapsed = nowMs - lastMs;
                double decay = Math.pow(0.5, elapsed / HALF_LIFE_MS);
                losses *= decay;
                memberMs = memberMs * decay + (double) members * elapsed;
            }
            lastMs = nowMs;
        }

        double lossRatePerMemberMs() {
            return memberMs < 1 ? 0 : losses / memberMs;
        }
    }

    <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = context.random().nextInt(i + 1);
            list.set(i, list.set(j, list.get(i)));
        }
    }
}
