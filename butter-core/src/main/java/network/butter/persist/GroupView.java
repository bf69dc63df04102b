package network.butter.persist;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;

/**
 * What one member of a Peer Content Group knows about its group for one block: who else holds the block and
 * when each was last heard from. From that it derives the group's {@link GroupState}, its leader (the highest
 * live peer id, so every member that sees the same live set agrees without a vote), how many members to recruit
 * and which to trim. A pure value on the node loop's clock: the storage protocol feeds it heartbeats and time.
 */
public final class GroupView {

    private final ContentId block;
    private final PeerId self;
    private final int replication;
    private final long memberTimeoutMs;
    private final Map<PeerId, Long> lastHeardMs = new HashMap<>();
    private final Map<PeerId, Long> introducedAtMs = new HashMap<>();

    /**
     * @param block           the block the group keeps
     * @param self            this member
     * @param replication     the replication factor {@code r}, at least 1
     * @param memberTimeoutMs a member silent for longer is no longer live
     */
    public GroupView(ContentId block, PeerId self, int replication, long memberTimeoutMs) {
        this.block = Objects.requireNonNull(block, "block");
        this.self = Objects.requireNonNull(self, "self");
        if (replication < 1 || memberTimeoutMs < 1) {
            throw new IllegalArgumentException("need replication >= 1 and memberTimeoutMs >= 1, got "
                + replication + ", " + memberTimeoutMs);
        }
        this.replication = replication;
        this.memberTimeoutMs = memberTimeoutMs;
    }

    /** The block this group keeps. */
    public ContentId block() {
        return block;
    }

    /** The replication factor. */
    public int replication() {
        return replication;
    }

    /** A member (other than this node) was heard from at {@code nowMs}: it is live. */
    public void heard(PeerId member, long nowMs) {
        if (!member.equals(self)) {
            lastHeardMs.merge(member, nowMs, Math::max);
            introducedAtMs.remove(member);
        }
    }

    /**
     * Another member named {@code member} as one of the group. Hearsay is not proof of life, so the member is
     * known (this node will contact it) but not live until heard from directly; an introduction that is never
     * confirmed lapses after the member timeout. A member already known is left as it is.
     *
     * @return whether the member was new to this view
     */
    public boolean introduce(PeerId member, long nowMs) {
        if (member.equals(self) || lastHeardMs.containsKey(member) || introducedAtMs.containsKey(member)) {
            return false;
        }
        introducedAtMs.put(member, nowMs);
        return true;
    }

    /** Whether {@code member} is in this view at all (live, silent or only introduced); this node always is. */
    public boolean knows(PeerId member) {
        return member.equals(self) || lastHeardMs.containsKey(member) || introducedAtMs.containsKey(member);
    }

    /** How many members are only introduced, not yet heard from directly. */
    public int introducedCount() {
        return introducedAtMs.size();
    }

    /** A member left or was found unreachable. */
    public void forget(PeerId member) {
        lastHeardMs.remove(member);
        introducedAtMs.remove(member);
    }

    /** The live members, this node included, in ascending id order. */
    public List<PeerId> liveMembers(long nowMs) {
        TreeSet<PeerId> live = new TreeSet<>();
        live.add(self);
        lastHeardMs.forEach((member, heardMs) -> {
            if (nowMs - heardMs <= memberTimeoutMs) {
                live.add(member);
            }
        });
        return List.copyOf(live);
    }

    /** Every member this node has heard of, live, silent or only introduced, except itself, in id order. */
    public List<PeerId> knownMembers() {
        TreeSet<PeerId> known = new TreeSet<>(lastHeardMs.keySet());
        known.addAll(introducedAtMs.keySet());
        return List.copyOf(known);
    }

    /** Drops members silent, or introduced and unconfirmed, for longer than the timeout; returns them. */
    public List<PeerId> expire(long nowMs) {
        List<PeerId> expired = new ArrayList<>();
        for (Map<PeerId, Long> times : List.of(lastHeardMs, introducedAtMs)) {
            times.entrySet().removeIf(entry -> {
                boolean silent = nowMs - entry.getValue() > memberTimeoutMs;
                if (silent) {
                    expired.add(entry.getKey());
                }
                return silent;
            });
        }
        return expired;
    }

    /** The group's state now. */
    public GroupState state(long nowMs) {
        return GroupState.of(liveMembers(nowMs).size(), replication);
    }

    /** The leader: the highest live peer id. */
    public PeerId leader(long nowMs) {
        List<PeerId> live = liveMembers(nowMs);
        return live.get(live.size() - 1);
    }

    /** Whether this node leads the group now. */
    public boolean isLeader(long nowMs) {
        return leader(nowMs).equals(self);
    }

    /** How many members the leader should recruit now (0 unless cold). */
    public int missing(long nowMs) {
        return missing(nowMs, replication);
    }

    /** How many members the leader should recruit now for a group of {@code target} members. */
    public int missing(long nowMs, int target) {
        return Math.max(0, target - liveMembers(nowMs).size());
    }

    /**
     * Which members a hot group's leader asks to leave: all but the {@code r} highest ids, so the leader (the
     * highest) always stays and every member computes the same answer from the same live set.
     */
    public List<PeerId> surplus(long nowMs) {
        return surplus(nowMs, replication);
    }

    /** {@link #surplus(long)} for a group of {@code target} members. */
    public List<PeerId> surplus(long nowMs, int target) {
        List<PeerId> live = liveMembers(nowMs);
        return live.size() <= target ? List.of() : live.subList(0, live.size() - target);
    }
}
