package network.butter.persist;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;

/**
 * Deletion: the tombstones this node keeps, applying them to the groups it belongs to and spreading its own.
 *
 * <p>Every tombstone is checked against its block's id ({@link Tombstone#valid()}), so only a block's owner can
 * remove it. What an owner can still do is make many tombstones for its own blocks; so they are kept per owner, at
 * most {@link PcgConfig#MAX_TOMBSTONES_PER_OWNER} each (an owner's oldest go first) and
 * {@link PcgConfig#MAX_TOMBSTONES} in all (the owner with the most gives way first): one owner's flood never pushes
 * out another owner's tombstones while that owner keeps fewer than its share.
 */
final class Tombstones {

    private final PcgNode node;
    private final GroupTable table;
    private final Map<ContentId, Tombstone> byBlock = new HashMap<>();
    private final Map<PeerId, LinkedHashSet<ContentId>> byOwner = new HashMap<>();
    private final int maxPerOwner;
    private final int maxTotal;

    Tombstones(PcgNode node, GroupTable table) {
        this(node, table, PcgConfig.MAX_TOMBSTONES_PER_OWNER, PcgConfig.MAX_TOMBSTONES);
    }

    Tombstones(PcgNode node, GroupTable table, int maxPerOwner, int maxTotal) {
        this.node = node;
        this.table = table;
        this.maxPerOwner = maxPerOwner;
        this.maxTotal = maxTotal;
    }

    Tombstone get(ContentId block) {
        return byBlock.get(block);
    }

    int size() {
        return byBlock.size();
    }

    /** Takes back a tombstone from the store after a restart. */
    void restore(Tombstone tombstone) {
        keep(tombstone);
    }

    /** Keeps a valid tombstone (checked by the caller) and writes it to the store. */
    void remember(Tombstone tombstone) {
        if (keep(tombstone)) {
            node.store.putRecord(tombstone.block(), GroupRecord.deleted(tombstone).encode());
        }
    }

    private boolean keep(Tombstone tombstone) {
        if (byBlock.putIfAbsent(tombstone.block(), tombstone) != null) {
            return false;
        }
        LinkedHashSet<ContentId> owned = byOwner.computeIfAbsent(tombstone.owner(), o -> new LinkedHashSet<>());
        owned.add(tombstone.block());
        if (owned.size() > maxPerOwner) {
            evictOldest(tombstone.owner());
        }
        if (byBlock.size() > maxTotal) {
            PeerId largest = byOwner.entrySet().stream().max((a, b) -> Integer.compare(a.getValue().size(), b.getValue().size()))
                .orElseThrow().getKey();
            evictOldest(largest);
        }
        return true;
    }

    private void evictOldest(PeerId owner) {
        LinkedHashSet<ContentId> owned = byOwner.get(owner);
        ContentId evicted = owned.iterator().next();
        owned.remove(evicted);
        if (owned.isEmpty()) {
            byOwner.remove(owner);
        }
        byBlock.remove(evicted);
        if (table.get(evicted) == null) {
            node.store.removeRecord(evicted);
        }
    }

    /**
     * Applies a tombstone: drops the copy it covers and keeps the tombstone. Returns whether anything changed; when
     * it did, the tombstone goes on to the members this node knew (except {@code from}).
     */
    boolean apply(Tombstone tombstone, PeerId from) {
        if (byBlock.containsKey(tombstone.block()) || !tombstone.valid()) {
            return false;
        }
        Group group = table.get(tombstone.block());
        if (group != null && !tombstone.covers(group.stamp)) {
            return false;
        }
        remember(tombstone);
        if (group != null) {
            List<PeerAddress> members = table.addressesOf(group.view.knownMembers());
            table.drop(group, true);
            byte[] payload = tombstone.encode();
            for (PeerAddress member : members) {
                if (!member.id().equals(from)) {
                    node.request(member, PeerContentGroups.DELETE_ROUTE, payload);
                }
            }
        }
        return true;
    }

    /**
     * Applies this node's own tombstone here and sends it to the block's holder and every member known or named.
     * Completes with how many peers acknowledged it.
     */
    CompletableFuture<Integer> spread(Tombstone tombstone, BlockReads.Found found) {
        Set<PeerId> targets = new HashSet<>();
        Group group = table.get(tombstone.block());
        List<PeerAddress> members = new ArrayList<>(group == null ? List.of() : table.addressesOf(group.view.knownMembers()));
        if (found != null) {
            members.add(found.holder());
            members.addAll(found.members());
        }
        apply(tombstone, null);
        byte[] payload = tombstone.encode();
        AtomicInteger acknowledged = new AtomicInteger();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (PeerAddress member : members) {
            if (!member.id().equals(node.self) && targets.add(member.id())) {
                sends.add(node.request(member, PeerContentGroups.DELETE_ROUTE, payload).thenAccept(reply -> {
                    if (reply.payload().length >= 1 && reply.payload()[0] == PcgMessages.APPLIED) {
                        acknowledged.incrementAndGet();
                    }
                }));
            }
        }
        return CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).handle((v, error) -> acknowledged.get());
    }

    /** A recruit answered after the block was deleted here: passes the tombstone on. Returns whether it was. */
    boolean tellIfDeleted(Group group, PeerAddress recruit) {
        Tombstone tombstone = byBlock.get(group.block());
        if (tombstone == null || table.get(group.block()) == group) {
            return false;
        }
        node.request(recruit, PeerContentGroups.DELETE_ROUTE, tombstone.encode());
        return true;
    }
}
