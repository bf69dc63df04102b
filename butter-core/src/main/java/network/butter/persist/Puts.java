package network.butter.persist;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import network.butter.api.RequestTimeoutException;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.persist.PcgMessages.Store;
import network.butter.persist.PcgMessages.StoreReply;
import network.butter.persist.PcgMessages.StoreStatus;
import network.butter.persist.StorageException.InsufficientReplicasException;
import network.butter.persist.StorageException.MutationRejectedException;
import network.butter.store.Chunker;
import network.butter.store.ContentId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts: content is cut into blocks owned by this node, and the blocks of one stripe of a content are asked of the
 * same candidates in the same order, so they share members: a reader then fetches its chunks from those members in
 * parallel, and their heartbeats share peer pairs; a large content's stripes spread over all the candidates (see
 * {@link ContentPut}). A block's put succeeds once the write quorum holds it: a candidate counts once it answered
 * "stored" and proved it kept the block ({@link Proofs}).
 */
final class Puts {

    private static final Logger log = LoggerFactory.getLogger(Puts.class);
    private static final int MAX_PUT_ATTEMPTS_PER_MEMBER = 3;
    /** Blocks of a content that go to the same members before the next stripe turns to the next candidates. */
    static final int STRIPE_BLOCKS = 64;
    /** Most candidates one content is spread over. */
    static final int MAX_SPREAD = 16;
    /** Tries of one block of a content before the put fails. */
    static final int BLOCK_ATTEMPTS = 5;
    /** The longest a store may take, in request timeouts. */
    static final int MAX_STORE_TIMEOUT_FACTOR = 16;

    /**
     * How long a block's put keeps looking for candidates when the ones it had ran out, in storage request timeouts:
     * a node that just joined knows few hosts yet, and a put that failed at once ("no candidates among the known
     * hosts") would have succeeded a few seconds later.
     */
    static final int CANDIDATE_WAIT_TIMEOUTS = 5;

    /** How often a put that ran out of candidates looks at the known hosts again, in milliseconds. */
    static final long CANDIDATE_RETRY_MS = 500;

    private final PcgNode node;
    private final GroupTable table;
    private final Placement placement;
    private final Repair repair;
    private final Tombstones tombstones;
    private final Proofs proofs;
    private final Chunker chunker;
    private final StoreTimeouts storeTimeouts;

    Puts(PcgNode node, GroupTable table, Placement placement, Repair repair, Tombstones tombstones, Proofs proofs) {
        this.node = node;
        this.table = table;
        this.placement = placement;
        this.repair = repair;
        this.tombstones = tombstones;
        this.proofs = proofs;
        this.chunker = new Chunker(node.config.chunkBytes());
        this.storeTimeouts = new StoreTimeouts(node.config.requestTimeoutMs(),
            MAX_STORE_TIMEOUT_FACTOR * node.config.requestTimeoutMs());
    }

    CompletableFuture<ContentId> put(byte[] content) {
        Chunker.Split split = chunker.split(content, node.self.toBytes());
        int largest = split.chunks().values().stream().mapToInt(bytes -> bytes.length).max().orElse(0);
        ContentPut put = new ContentPut(largest);
        List<Map.Entry<ContentId, byte[]>> chunks = List.copyOf(split.chunks().entrySet());
        List<CompletableFuture<Void>> blocks = Bounded.run(chunks, PeerContentGroups.BLOCKS_IN_FLIGHT,
            chunk -> put.putBlock(chunk.getKey(), chunk.getValue()));
        CompletableFuture<ContentId> result = new CompletableFuture<>();
        blocks.forEach(block -> block.whenComplete((v, error) -> {
            if (error != null) {
                result.completeExceptionally(PcgNode.unwrap(error));
            }
        }));
        CompletableFuture.allOf(blocks.toArray(new CompletableFuture<?>[0])).thenRun(() -> result.complete(split.id()));
        return result;
    }

    /** Starts a put whose blocks come one at a time (a stream); see {@link ContentPut}. On the loop. */
    ContentPut startStream() {
        return new ContentPut(chunker.chunkBytes());
    }

    /**
     * One content's put: the replication and the candidates, chosen once, best first, and how its blocks are spread
     * over them. Blocks go in stripes of {@link #STRIPE_BLOCKS}: the blocks of one stripe share members (a reader
     * fetches a stripe's chunks from the same few peers, and their heartbeats share peer pairs), and each stripe
     * starts {@code r} candidates further along, so a large content is spread over all the candidates rather than
     * filling the first {@code r} up to their limits (the owner's share of each store) while the others stay empty.
     * Content of up to a stripe keeps all its blocks on the same members.
     *
     * <p>A block the network could not take enough copies of is tried again, up to {@link #BLOCK_ATTEMPTS} times,
     * after a wait that doubles from the request timeout, with the candidates chosen afresh ahead of the first
     * ones: a loaded host may have missed its known hosts' polls and forgotten them for a while, and one unlucky
     * block should not fail a put of thousands. Runs on the loop.
     */
    final class ContentPut {
        private final int target;
        private final Group probe;
        private List<PeerAddress> order;
        private int blocks;
        private Throwable failure;

        private ContentPut(int blockBytes) {
            this.target = repair.targetReplication();
            ContentId unknown = ContentId.fromBytes(new byte[ContentId.LENGTH_BYTES]);
            this.probe = new Group(OwnerStamp.sign(unknown, node.self, node.context::sign), blockBytes, node.self, target,
                node.config, node.now());
            this.order = placement.candidates(probe, wantedCandidates());
        }

        /**
         * Puts the content's next block; completes once the write quorum holds it. Once a block failed for good,
         * the content cannot be whole: later blocks fail at once with the same error.
         */
        CompletableFuture<Void> putBlock(ContentId id, byte[] block) {
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            attempt(id, block, blocks++, 1, done);
            return done;
        }

        private void attempt(ContentId id, byte[] block, int index, int tried, CompletableFuture<Void> done) {
            // Only a block's first try waits for candidates to appear; later tries wait before they start instead.
            long candidateWaitMs = tried == 1 ? CANDIDATE_WAIT_TIMEOUTS * node.config.requestTimeoutMs() : 0;
            Puts.this.putBlock(id, block, target, stripe(order, index, target),
                () -> placement.candidates(probe, wantedCandidates()), candidateWaitMs).whenComplete((v, error) -> {
                Throwable cause = error == null ? null : PcgNode.unwrap(error);
                if (cause == null) {
                    done.complete(null);
                } else if (cause instanceof InsufficientReplicasException few && !few.noRoom() && tried < BLOCK_ATTEMPTS
                    && !node.stopped && failure == null && !placement.candidates(probe, 1).isEmpty()) {
                    // Tried again only with somebody to try: a node that found no candidate in the first try's wait
                    // (alone, say) says so then rather than half a minute later.
                    long waitMs = node.config.requestTimeoutMs() << (tried - 1);
                    log.debug("{}: block {} failed ({}); trying again in {} ms", node.self.shortForm(), id,
                        cause.getMessage(), waitMs);
                    node.context.loop().schedule(waitMs, () -> {
                        refreshCandidates();
                        attempt(id, block, index, tried + 1, done);
                    });
                } else {
                    failure = failure == null ? cause : failure;
                    done.completeExceptionally(cause);
                }
            });
        }

        /** The candidates chosen now, then those chosen before that are not among them. */
        private void refreshCandidates() {
            List<PeerAddress> fresh = new ArrayList<>(placement.candidates(probe, wantedCandidates()));
            for (PeerAddress earlier : order) {
                if (fresh.stream().noneMatch(peer -> peer.id().equals(earlier.id()))) {
                    fresh.add(earlier);
                }
            }
            order = fresh;
        }

        private int wantedCandidates() {
            return Math.max(target * MAX_PUT_ATTEMPTS_PER_MEMBER, MAX_SPREAD);
        }
    }

    /**
     * The candidates for the block at {@code index} of a content: {@code order} turned {@code target} places further
     * for each {@link #STRIPE_BLOCKS} blocks before it.
     */
    static List<PeerAddress> stripe(List<PeerAddress> order, int index, int target) {
        if (order.isEmpty()) {
            return order;
        }
        int shift = (int) ((long) (index / STRIPE_BLOCKS) * target % order.size());
        List<PeerAddress> turned = new ArrayList<>(order.size());
        for (int i = 0; i < order.size(); i++) {
            turned.add(order.get((shift + i) % order.size()));
        }
        return turned;
    }

    private CompletableFuture<Void> putBlock(ContentId id, byte[] bytes, int target, List<PeerAddress> order,
                                             Supplier<List<PeerAddress>> candidates, long candidateWaitMs) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (tombstones.get(id) != null) {
            done.completeExceptionally(new MutationRejectedException(id, "it was deleted by its owner and cannot be stored again"));
            return done;
        }
        OwnerStamp stamp = OwnerStamp.sign(id, node.self, node.context::sign);
        Group local = table.get(id);
        if (local != null || table.refusal(node.self, bytes.length).isPresent()) {
            new PutAttempt(id, local == null ? stamp : local.stamp, bytes, target, local, done, candidates, candidateWaitMs)
                .start(order);
            return done;
        }
        // The own copy counts toward the write quorum only once it is durable: the put asks the others after the write.
        node.store.put(id, bytes).whenComplete((taken, error) -> {
            Group group = table.get(id);
            if (tombstones.get(id) != null) {
                if (group == null) {
                    node.store.remove(id);
                }
                done.completeExceptionally(new MutationRejectedException(id, "it was deleted by its owner and cannot be stored again"));
                return;
            }
            if (error != null) {
                log.debug("{}: block {}: this node's own copy was not written ({}); asking others only",
                    node.self.shortForm(), id, PcgNode.unwrap(error).toString());
            } else if (group == null && taken && !node.stopped) {
                group = table.join(stamp, bytes.length, target, List.of(), null);
            }
            new PutAttempt(id, group == null ? stamp : group.stamp, bytes, target, group, done, candidates, candidateWaitMs)
                .start(order);
        });
        return done;
    }

    /**
     * One block's put: asks candidates until the write quorum holds it; when they run out it looks for fresh ones
     * among the known hosts every {@link #CANDIDATE_RETRY_MS} for as long as it was given (a block's first try:
     * {@link #CANDIDATE_WAIT_TIMEOUTS} request timeouts), and only then fails.
     */
    private final class PutAttempt {
        private final ContentId id;
        private final OwnerStamp stamp;
        private final byte[] bytes;
        private final int target;
        private final Group localGroup;
        private final CompletableFuture<Void> done;
        private final Supplier<List<PeerAddress>> candidates;
        private final long waitUntilMs;
        private final Deque<PeerAddress> queue = new ArrayDeque<>();
        private final List<PeerAddress> members = new ArrayList<>();
        private final Set<PeerId> askedIds = new HashSet<>();
        private int stored;
        private int inFlight;
        private int asked;
        private int full;
        private int failed;
        private String lastFull = "";
        private String lastOther = "";

        PutAttempt(ContentId id, OwnerStamp stamp, byte[] bytes, int target, Group localGroup, CompletableFuture<Void> done,
                   Supplier<List<PeerAddress>> candidates, long candidateWaitMs) {
            this.candidates = candidates;
            this.waitUntilMs = node.now() + candidateWaitMs;
            this.id = id;
            this.stamp = stamp;
            this.bytes = bytes;
            this.target = target;
            this.localGroup = localGroup;
            this.done = done;
        }

        void start(List<PeerAddress> order) {
            if (localGroup != null) {
                stored = 1 + (int) localGroup.view.liveMembers(node.now()).stream().filter(m -> !m.equals(node.self)).count();
                members.add(node.context.self());
                members.addAll(table.addressesOf(localGroup.view.knownMembers()));
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
            first.forEach(this::ask);
            if (stored >= node.config.writeQuorum()) {
                // A write quorum holds it already (content put again): asking the rest only fills the group, as
                // repair would, and a network too small for the group's target must not fail the put.
                done.complete(null);
                return;
            }
            finishIfStuck();
        }

        private void ask(PeerAddress candidate) {
            askedIds.add(candidate.id());
            table.learn(candidate);
            asked++;
            inFlight++;
            if (localGroup != null) {
                localGroup.recruiting.put(candidate.id(), node.now());
            }
            long sentAtMs = node.now();
            long timeoutMs = storeTimeouts.timeoutMs();
            byte[] payload = new Store(stamp, target, List.copyOf(members), bytes).encode();
            node.request(candidate, PeerContentGroups.STORE_ROUTE, payload, timeoutMs)
                .whenComplete((reply, error) -> {
                    if (error == null) {
                        storeTimeouts.answered(node.now() - sentAtMs);
                    } else if (PcgNode.unwrap(error) instanceof RequestTimeoutException) {
                        storeTimeouts.timedOut(timeoutMs);
                    }
                    StoreReply answer = error == null ? repair.decodeStoreReply(candidate, reply) : null;
                    if (answer != null && answer.status() == StoreStatus.STORED) {
                        proofs.check(candidate, id, bytes, timeoutMs).thenAccept(proved -> answered(candidate, proved ? answer : null,
                            proved ? "" : candidate.id().shortForm() + " answered STORED but did not prove it holds the block"));
                    } else {
                        answered(candidate, answer, answer != null ? candidate.id().shortForm() + " answered " + answer.status()
                            + (answer.reason().isEmpty() ? "" : " (" + answer.reason() + ")")
                            : candidate.id().shortForm() + ": " + PcgNode.unwrap(error).getMessage());
                    }
                });
        }

        /**
         * A candidate's store is over: it counts toward the write quorum only if it answered "stored" and then proved
         * it holds the block ({@link Proofs}); otherwise {@code problem} says why not and the next candidate is asked.
         */
        private void answered(PeerAddress candidate, StoreReply answer, String problem) {
            inFlight--;
            if (localGroup != null) {
                localGroup.recruiting.remove(candidate.id());
            }
            if (answer != null && answer.status() == StoreStatus.STORED) {
                stored(candidate);
            } else {
                refused(candidate, answer, problem);
            }
            finishIfStuck();
        }

        private void stored(PeerAddress candidate) {
            if (localGroup != null) {
                tombstones.tellIfDeleted(localGroup, candidate);
            }
            stored++;
            if (localGroup != null && table.get(id) == localGroup) {
                localGroup.view.heard(candidate.id(), node.now());
                localGroup.dirty = true;
                repair.maintain(localGroup);
            }
            if (stored >= node.config.writeQuorum()) {
                done.complete(null);
            }
        }

        private void refused(PeerAddress candidate, StoreReply answer, String problem) {
            log.debug("{}: block {}: {}", node.self.shortForm(), id, problem);
            if (answer != null && answer.status() == StoreStatus.FULL) {
                placement.declined(candidate.id());
                full++;
                lastFull = problem;
            } else {
                failed++;
                lastOther = problem;
            }
            if (answer != null && answer.status() == StoreStatus.DELETED && answer.tombstone() != null
                && tombstones.apply(answer.tombstone(), null) || tombstones.get(id) != null) {
                done.completeExceptionally(new MutationRejectedException(id, "it was deleted by its owner and cannot be stored again"));
                return;
            }
            PeerAddress next = queue.poll();
            if (next != null && !done.isDone()) {
                members.add(next);
                ask(next);
            }
        }

        private void finishIfStuck() {
            if (done.isDone() || inFlight > 0) {
                return;
            }
            // Waiting cannot help when every peer asked said it was full; a lonely new node may find hosts soon.
            if (noRoom() || node.now() >= waitUntilMs || node.stopped) {
                done.completeExceptionally(new InsufficientReplicasException(id, stored, node.config.writeQuorum(), why(), noRoom()));
                return;
            }
            node.context.loop().schedule(CANDIDATE_RETRY_MS, this::askFreshCandidates);
        }

        /** Asks known hosts not asked yet, as many as copies are missing; waits again if there are none. */
        private void askFreshCandidates() {
            if (done.isDone()) {
                return;
            }
            int wanted = Math.max(1, target - stored);
            List<PeerAddress> fresh = new ArrayList<>();
            for (PeerAddress candidate : candidates.get()) {
                if (fresh.size() < wanted && !askedIds.contains(candidate.id())
                    && (localGroup == null || !localGroup.view.knows(candidate.id()))) {
                    fresh.add(candidate);
                }
            }
            members.addAll(fresh);
            fresh.forEach(this::ask);
            finishIfStuck();
        }

        /** Whether every peer that did not take the block said it had no room (none failed or lied). */
        private boolean noRoom() {
            return full > 0 && failed == 0;
        }

        /** Why the block could not be placed, naming the limit a full peer gave. */
        private String why() {
            if (asked == 0) {
                return "no candidates: none of the " + node.knownHosts.hosts().size() + " known hosts offers room without"
                    + " having failed or said it was full lately";
            }
            StringBuilder why = new StringBuilder("asked " + asked + (asked == 1 ? " peer" : " peers"));
            if (full > 0) {
                why.append(", ").append(full).append(" full (the last: ").append(lastFull).append(')');
            }
            if (failed > 0) {
                why.append(", ").append(failed).append(" failed (the last: ").append(lastOther).append(')');
            }
            if (noRoom()) {
                why.append("; no peer it knows has room for it: free some (delete content) or add nodes with storage");
            }
            return why.toString();
        }
    }
}
