package network.butter.persist;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;

/** What a member keeps about one group it belongs to: the block's stamp and size, and its view of the members. */
final class Group {

    private static final int MAX_FORMERS = 8;

    final OwnerStamp stamp;
    final int sizeBytes;
    final GroupView view;
    /** Candidates asked to join and not answered yet. */
    final Set<PeerId> recruiting = new HashSet<>();
    /** Surplus members asked to leave and not answered yet. */
    final Set<PeerId> trimming = new HashSet<>();
    /** Members lost to silence (maybe a partition), by when: probed now and then so split groups merge again. */
    final Map<PeerId, Long> formers = new LinkedHashMap<>();
    /** The replication factor the group was created with (or last raised to). */
    int replication;
    /** Before this time (loop clock) the group neither recruits nor trims: after a restart, old members answer first. */
    long quietUntilMs;
    /** Whether the membership changed since the record on disk was written. */
    boolean dirty = true;

    Group(OwnerStamp stamp, int sizeBytes, PeerId self, int replication, long memberTimeoutMs) {
        this.stamp = stamp;
        this.sizeBytes = sizeBytes;
        this.replication = replication;
        this.view = new GroupView(stamp.block(), self, replication, memberTimeoutMs);
    }

    /** Keeps a member that went silent as a former one, at most {@link #MAX_FORMERS}, the oldest dropped first. */
    void remember(PeerId member, long nowMs) {
        formers.remove(member);
        formers.put(member, nowMs);
        if (formers.size() > MAX_FORMERS) {
            formers.remove(formers.keySet().iterator().next());
        }
    }

    ContentId block() {
        return stamp.block();
    }
}
