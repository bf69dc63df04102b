package network.butter.persist;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.persist.PcgMessages.Entry;
import network.butter.store.ContentId;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership: the groups this node belongs to, the addresses of their members, and their records on disk. Joining
 * and leaving go through here, so the bounds hold in one place: at most {@link PcgConfig#maxGroups(int)} groups,
 * and no owner's blocks above {@link PcgConfig#MAX_OWNER_SHARE} of the store.
 */
final class GroupTable {

    private static final Logger log = LoggerFactory.getLogger(GroupTable.class);

    private final PcgNode node;
    final Map<ContentId, Group> groups = new TreeMap<>();
    private final Map<PeerId, PeerAddress> addresses = new HashMap<>();
    private final Map<PeerId, Long> bytesByOwner = new HashMap<>();
    private final Set<ContentId> heldSnapshot = ConcurrentHashMap.newKeySet();
    private long heldVersion;
    private final java.util.function.Predicate<PeerId> failedLately;

    /** @param failedLately peers not to introduce into any group (they failed lately; stale gossip names them) */
    GroupTable(PcgNode node, java.util.function.Predicate<PeerId> failedLately) {
        this.node = node;
        this.failedLately = failedLately;
    }

    Group get(ContentId block) {
        return groups.get(block);
    }

    boolean holds(ContentId block) {
        return heldSnapshot.contains(block);
    }

    Set<ContentId> heldBlocks() {
        return Set.copyOf(heldSnapshot);
    }

    long version() {
        return heldVersion;
    }

    /**
     * Why this node cannot take a block of {@code sizeBytes} owned by {@code owner} now, or empty if it can: the
     * group limit, the owner's share of the store, or no room.
     */
    Optional<String> refusal(PeerId owner, int sizeBytes) {
        if (node.stopped) {
            return Optional.of("the node is stopping");
        }
        int maxGroups = node.config.maxGroups(node.context.limits().maxFrameBytes());
        if (groups.size() >= maxGroups) {
            return Optional.of("this node keeps at most " + maxGroups + " groups");
        }
        long ownerLimit = (long) (node.store.capacityBytes() * PcgConfig.MAX_OWNER_SHARE);
        long owned = bytesByOwner.getOrDefault(owner, 0L);
        if (owned + sizeBytes > ownerLimit) {
            return Optional.of("owner " + owner.shortForm() + " already has " + owned + " bytes here, its share is " + ownerLimit);
        }
        if (node.store.availableBytes() < sizeBytes) {
            return Optional.of(node.store.availableBytes() + " bytes free of " + node.store.capacityBytes());
        }
        return Optional.empty();
    }

    /** Joins the group of a block already in the store, introducing {@code members} by its {@code recruiter}. */
    Group join(OwnerStamp stamp, int sizeBytes, int replication, List<PeerAddress> members, PeerId recruiter) {
        Group group = new Group(stamp, sizeBytes, node.self, replication, node.config, node.now());
        add(group);
        introduceAll(group, members, recruiter);
        node.store.putRecord(stamp.block(), record(group));
        group.dirty = false;
        return group;
    }

    private void add(Group group) {
        groups.put(group.block(), group);
        bytesByOwner.merge(group.stamp.owner(), (long) group.sizeBytes, Long::sum);
        heldSnapshot.add(group.block());
        heldVersion++;
    }

    /** Leaves a group: its copy goes, and its record unless {@code keepRecord} (a tombstone takes its place). */
    void drop(Group group, boolean keepRecord) {
        groups.remove(group.block());
        bytesByOwner.computeIfPresent(group.stamp.owner(), (owner, bytes) -> bytes > group.sizeBytes ? bytes - group.sizeBytes : null);
        heldSnapshot.remove(group.block());
        heldVersion++;
        node.store.remove(group.block());
        if (!keepRecord) {
            node.store.removeRecord(group.block());
        }
    }

    /**
     * Introduces members named by a trusted source (a recruiter's store, a member's beat: {@code by}, or null for a
     * record read back from the store); bounded by the view.
     */
    void introduceAll(Group group, List<PeerAddress> members, PeerId by) {
        long now = node.now();
        for (PeerAddress member : members) {
            if (member.id().equals(node.self) || failedLately.test(member.id()) || group.isStoreBarred(member.id(), now)) {
                continue;
            }
            if (group.view.knows(member.id())) {
                learn(member);
            } else if (group.view.introduce(member.id(), by, now)) {
                learn(member);
                group.dirty = true;
            }
        }
    }

    void learn(PeerAddress peer) {
        if (!peer.id().equals(node.self)) {
            addresses.put(peer.id(), peer);
        }
    }

    PeerAddress address(PeerId peer) {
        return addresses.get(peer);
    }

    List<PeerAddress> addressesOf(List<PeerId> peers) {
        List<PeerAddress> known = new ArrayList<>(peers.size());
        for (PeerId peer : peers) {
            PeerAddress address = peer.equals(node.self) ? node.context.self() : addresses.get(peer);
            if (address != null) {
                known.add(address);
            }
        }
        return known;
    }

    /** Every peer this node shares a group with, with the blocks shared. */
    Map<PeerId, Set<ContentId>> partners() {
        Map<PeerId, Set<ContentId>> partners = new TreeMap<>();
        for (Group group : groups.values()) {
            for (PeerId member : group.view.knownMembers()) {
                partners.computeIfAbsent(member, m -> new TreeSet<>()).add(group.block());
            }
        }
        return partners;
    }

    /** How many distinct peers are live members of this node's groups. */
    int livePartnerCount() {
        Set<PeerId> live = new HashSet<>();
        long now = node.now();
        for (Group group : groups.values()) {
            live.addAll(group.view.liveMembers(now));
        }
        live.remove(node.self);
        return live.size();
    }

    /** The groups this node shares with {@code peer}, as beat entries. */
    List<Entry> entriesFor(PeerId peer) {
        List<Entry> entries = new ArrayList<>();
        if (peer.equals(node.self)) {
            return entries;
        }
        for (Group group : groups.values()) {
            if (group.view.knows(peer)) {
                List<PeerAddress> members = new ArrayList<>();
                members.add(node.context.self());
                members.addAll(addressesOf(group.view.knownMembers()));
                entries.add(new Entry(group.block(), members));
            }
        }
        return entries;
    }

    byte[] record(Group group) {
        return GroupRecord.held(group.stamp, group.replication, addressesOf(group.view.knownMembers())).encode();
    }

    /**
     * Writes a group's record if its membership changed. A failed write is logged and left for the next round (the
     * group stays dirty): a disk error delays the record, never the group's upkeep.
     */
    void saveRecord(Group group) {
        if (!group.dirty) {
            return;
        }
        try {
            node.store.putRecord(group.block(), record(group));
            group.dirty = false;
        } catch (RuntimeException e) {
            log.warn("{}: could not write the group record of {}; retrying next round: {}", node.self.shortForm(),
                group.block(), e.toString());
        }
    }

    /** Writes the records of groups whose membership changed, and forgets addresses no part needs any more. */
    void saveRecords(Set<PeerId> stillNeeded) {
        groups.values().forEach(this::saveRecord);
        Set<PeerId> active = new HashSet<>(stillNeeded);
        for (Group group : groups.values()) {
            active.addAll(group.view.knownMembers());
            active.addAll(group.recruiting.keySet());
            active.addAll(group.trimming);
            active.addAll(group.formers.keySet());
        }
        addresses.keySet().retainAll(active);
    }

    /** After a restart: takes back every block still in the store with its group; hands tombstones to {@code tombstones}. */
    void rejoin(Tombstones tombstones) {
        int held = 0;
        for (ContentId block : new TreeSet<>(node.store.recordIds())) {
            Optional<byte[]> bytes = node.store.record(block);
            if (bytes.isEmpty()) {
                continue;
            }
            GroupRecord record;
            try {
                record = GroupRecord.decode(bytes.get());
            } catch (WireFormatException e) {
                log.warn("{}: ignoring an unreadable group record for {}: {}", node.self.shortForm(), block, e.getMessage());
                continue;
            }
            if (record.tombstone() != null) {
                tombstones.restore(record.tombstone());
                continue;
            }
            Optional<byte[]> data = node.store.get(block);
            if (data.isPresent() && record.stamp().block().equals(block)) {
                Group group = new Group(record.stamp(), data.get().length, node.self, record.replication(), node.config, node.now());
                group.quietUntilMs = node.now() + node.config.memberTimeoutMs(); // let the old members answer first
                add(group);
                introduceAll(group, record.members(), null);
                held++;
            }
        }
        if (held > 0 || tombstones.size() > 0) {
            log.info("{}: rejoining {} groups from the store ({} tombstones)", node.self.shortForm(), held, tombstones.size());
        }
    }
}
