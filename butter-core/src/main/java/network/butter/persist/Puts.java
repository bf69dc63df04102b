package network.butter.persist;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import network.butter.identity.PeerAddress;
import network.butter.persist.PcgMessages.Store;
import network.butter.persist.PcgMessages.StoreReply;
import network.butter.persist.PcgMessages.StoreStatus;
import network.butter.persist.StorageException.InsufficientReplicasException;
import network.butter.persist.StorageException.MutationRejectedException;
import network.butter.store.Chunker;
import network.butter.store.ContentId;

/**
 * Puts: content is cut into blocks owned by this node, and every block is asked of the same candidates in the same
 * order, so a content's blocks share members: a reader then fetches its chunks from those members in parallel,
 * and their heartbeats share peer pairs. A block's put succeeds once the write quorum holds it: a candidate counts once
 * it answered "stored" and proved it kept the block ({@link Proofs}).
 */
final class Puts {

    private static final int MAX_PUT_ATTEMPTS_PER_MEMBER = 3;

    private final PcgNode node;
    private final GroupTable table;
    private final Placement placement;
    private final Repair repair;
    private final Tombstones tombstones;
    private final Proofs proofs;
    private final Chunker chunker;

    Puts(PcgNode node, GroupTable table, Placement placement, Repair repair, Tombstones tombstones, Proofs proofs) {
        this.node = node;
        this.table = table;
        this.placement = placement;
        this.repair = repair;
        this.tombstones = tombstones;
        this.proofs = proofs;
        this.chunker = new Chunker(node.config.chunkBytes());
    }

    CompletableFuture<ContentId> put(byte[] content) {
        Chunker.Split split = chunker.split(content, node.self.toBytes());
        int target = repair.targetReplication();
        int largest = split.chunks().values().stream().mapToInt(bytes -> bytes.length).max().orElse(0);
        Group probe = new Group(OwnerStamp.sign(split.id(), node.self, node.context::sign), largest, node.self, target,
            node.config, node.now());
        List<PeerAddress> order = placement.candidates(probe, target * MAX_PUT_ATTEMPTS_PER_MEMBER);
        List<Map.Entry<ContentId, byte[]>> chunks = List.copyOf(split.chunks().entrySet());
        List<CompletableFuture<Void>> blocks = Bounded.run(chunks, PeerContentGroups.BLOCKS_IN_FLIGHT,
            chunk -> putBlock(chunk.getKey(), chunk.getValue(), target, order));
        return CompletableFuture.allOf(blocks.toArray(new CompletableFuture<?>[0])).thenApply(v -> split.id());
    }

    /**
     * Starts a put whose blocks come one at a time (a stream): the replication and the candidates are chosen once, as
     * for {@link #put}, so all the content's blocks share members. On the loop.
     */
    StreamPut startStream() {
        int target = repair.targetReplication();
        ContentId unknown = ContentId.fromBytes(new byte[ContentId.LENGTH_BYTES]);
        Group probe = new Group(OwnerStamp.sign(unknown, node.self, node.context::sign), chunker.chunkBytes(), node.self,
            target, node.config, node.now());
        return new StreamPut(target, placement.candidates(probe, target * MAX_PUT_ATTEMPTS_PER_MEMBER));
    }

    /** A streamed put's shared choices; {@link #putBlock} runs on the loop. */
    final class StreamPut {
        private final int target;
        private final List<PeerAddress> order;

        private StreamPut(int target, List<PeerAddress> order) {
            this.target = target;
            this.order = order;
        }

        /** Puts one block of the stream; completes once the write quorum holds it. */
        CompletableFuture<Void> putBlock(ContentId id, byte[] block) {
            return Puts.this.putBlock(id, block, target, order);
        }
    }

    private CompletableFuture<Void> putBlock(ContentId id, byte[] bytes, int target, List<PeerAddress> order) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (tombstones.get(id) != null) {
            done.completeExceptionally(new MutationRejectedException(id, "it was deleted by its owner and cannot be stored again"));
            return done;
        }
        OwnerStamp stamp = OwnerStamp.sign(id, node.self, node.context::sign);
        Group local = table.get(id);
        if (local == null && table.refusal(node.self, bytes.length).isEmpty() && node.store.put(id, bytes)) {
            local = table.join(stamp, bytes.length, target, List.of());
        }
        new PutAttempt(id, local == null ? stamp : local.stamp, bytes, target, local, done).start(order);
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
            if (stored >= node.config.writeQuorum() && wanted == 0) {
                done.complete(null);
                return;
            }
            first.forEach(this::ask);
            finishIfStuck();
        }

        private void ask(PeerAddress candidate) {
            table.learn(candidate);
            inFlight++;
            if (localGroup != null) {
                localGroup.recruiting.put(candidate.id(), node.now());
            }
            node.request(candidate, PeerContentGroups.STORE_ROUTE, new Store(stamp, target, List.copyOf(members), bytes).encode())
                .whenComplete((reply, error) -> {
                    StoreReply answer = error == null ? repair.decodeStoreReply(candidate, reply) : null;
                    if (answer != null && answer.status() == StoreStatus.STORED) {
                        proofs.check(candidate, id, bytes).thenAccept(proved -> answered(candidate, proved ? answer : null,
                            proved ? "" : candidate.id().shortForm() + " answered STORED but did not prove it holds the block"));
                    } else {
                        answered(candidate, answer, answer != null ? candidate.id().shortForm() + " answered " + answer.status()
                            + (answer.reason().isEmpty() ? "" : " (" + answer.reason() + ")")
                            : candidate.id().shortForm() + ": " + error.getMessage());
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
            lastProblem = problem;
            if (answer != null && answer.status() == StoreStatus.FULL) {
                placement.declined(candidate.id());
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
            if (!done.isDone() && inFlight == 0) {
                done.completeExceptionally(new InsufficientReplicasException(id, stored, node.config.writeQuorum(), lastProblem));
            }
        }
    }
}
