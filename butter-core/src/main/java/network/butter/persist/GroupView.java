package network.butter.persist;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;

/**
 * What one member of a Peer Content Group knows about its group for one block: who else holds the block, when each
 * was last heard from and since when it has been a member. From that it derives the group's {@link GroupState},
 * its leader, how many members to recruit and which to trim. A pure value on the node loop's clock: the storage
 * protocol feeds it heartbeats and time.
 *
 * <p><b>Leader by rank, not by id.</b> Members are ranked by {@code SHA-256(block | peer id)}; the leader is the
 * live member with the highest rank, so every member that sees the same live set agrees without a vote, and no id
 * leads every group: an id chosen to be high leads about as many groups as any other.
 *
 * <p><b>Seniority decides who leaves.</b> A hot group sheds its newest members first (by when this member first
 * heard of them), so peers that push their way into a group can never displace the members that were there first.
 *
 * <p><b>Bounded.</b> A view holds at most {@code maxMembers} members. When it is full, a member heard from directly
 * takes the place of an introduction or of a member no longer live; hearsay, and strangers while every member is
 * live, are not admitted.
 */
public final class GroupView {

    private final ContentId block;
    private final PeerId self;
    private final int replication;
    private final long baseMemberTimeoutMs;
    private long memberTimeoutMs;
    private final int maxMembers;
    private final long selfJoinedMs;
    private final Map<PeerId, Long> lastHeardMs = new HashMap<>();
    private final Map<PeerId, Long> introducedAtMs = new HashMap<>();
    private final Map<PeerId, PeerId> introducedBy = new HashMap<>();
    private final Map<PeerId, Long> firstSeenMs = new HashMap<>();
    private final Map<PeerId, byte[]> ranks = new HashMap<>();

    /**
     * @param block           the block the group keeps
     * @param self            this member
     * @param replication     the replication factor {@code r}, at least 1
     * @param memberTimeoutMs a member silent for longer is no longer live
     * @param maxMembers      most other members this view keeps, at least {@code replication}
     * @param joinedMs        when this member joined the group (its own seniority)
     */
    public GroupView(ContentId block, PeerId self, int replication, long memberTimeoutMs, int maxMembers, long joinedMs) {
        this.block = Objects.requireNonNull(block, "block");
        this.self = Objects.requireNonNull(self, "self");
        if (replication < 1 || memberTimeoutMs < 1 || maxMembers < replication) {
            throw new IllegalArgumentException("need replication >= 1, memberTimeoutMs >= 1 and maxMembers >= replication, got "
                + replication + ", " + memberTimeoutMs + ", " + maxMembers);
        }
        this.replication = replication;
        this.baseMemberTimeoutMs = memberTimeoutMs;
        this.memberTimeoutMs = memberTimeoutMs;
        this.maxMembers = maxMembers;
        this.selfJoinedMs = joinedMs;
    }

    /**
     * Lets members be silent {@code extraMs} longer than the member timeout before they stop counting as live: what
     * this member allows while its own loop runs behind, since then its partners' beats and answers reach it late.
     * 0 restores the member timeout.
     */
    void allowLateness(long extraMs) {
        memberTimeoutMs = baseMemberTimeoutMs + Math.max(0, extraMs);
    }

    /** The block this group keeps. */
    public ContentId block() {
        return block;
    }

    /** The replication factor. */
    public int replication() {
        return replication;
    }

    /**
     * A member (other than this node) was heard from at {@code nowMs}: it is live. A peer not yet in the view is
     * admitted only while the view has room.
     *
     * @return whether the member is in the view now
     */
    public boolean heard(PeerId member, long nowMs) {
        if (member.equals(self)) {
            return true;
        }
        if (!knows(member) && isFull() && !makeRoom(nowMs)) {
            return false;
        }
        lastHeardMs.merge(member, nowMs, Math::max);
        introducedAtMs.remove(member);
        introducedBy.remove(member);
        firstSeenMs.putIfAbsent(member, nowMs);
        return true;
    }

    /**
     * Another member named {@code member} as one of the group. Hearsay is not proof of life, so the member is
     * known (this node will contact it) but not live until heard from directly; an introduction that is never
     * confirmed lapses after the member timeout. A member already known is left as it is, and none is admitted
     * once the view is full.
     *
     * @return whether the member was new to this view
     */
    public boolean introduce(PeerId member, long nowMs) {
        return introduce(member, null, nowMs);
    }

    /**
     * {@link #introduce(PeerId, long)} by member {@code by} (null if nobody in particular: a record read back from
     * the store), who may {@link #withdraw} the introduction later.
     */
    public boolean introduce(PeerId member, PeerId by, long nowMs) {
        if (member.equals(self) || knows(member) || isFull()) {
            return false;
        }
        introducedAtMs.put(member, nowMs);
        firstSeenMs.putIfAbsent(member, nowMs);
        if (by != null) {
            introducedBy.put(member, by);
        }
        return true;
    }

    /**
     * Member {@code by} now names {@code named} as the group: members only it introduced, still unconfirmed and no
     * longer named, are dropped. Its word was all this view had for them, and it no longer says so (it found them
     * gone): waiting for them as hearsay would only hold off recruiting for their places.
     *
     * @return whether any member was dropped
     */
    public boolean withdraw(PeerId by, java.util.Collection<PeerId> named) {
        List<PeerId> dropped = new ArrayList<>();
        introducedBy.forEach((member, introducer) -> {
            if (introducer.equals(by) && !named.contains(member)) {
                dropped.add(member);
            }
        });
        dropped.forEach(this::forget);
        return !dropped.isEmpty();
    }

    /**
     * Makes room for a member heard from directly in a full view: drops the member that is not live and was heard
     * from least recently (an introduction first). Returns false if every member is live: a crowd of live members
     * keeps its places, hearsay and the silent never keep out a member that proved it is alive.
     */
    private boolean makeRoom(long nowMs) {
        if (!introducedAtMs.isEmpty()) {
            PeerId oldest = java.util.Collections.min(introducedAtMs.entrySet(), Map.Entry.comparingByValue()).getKey();
            forget(oldest);
            return true;
        }
        PeerId stalest = null;
        long stalestMs = Long.MAX_VALUE;
        for (Map.Entry<PeerId, Long> entry : lastHeardMs.entrySet()) {
            if (nowMs - entry.getValue() > memberTimeoutMs && entry.getValue() < stalestMs) {
                stalest = entry.getKey();
                stalestMs = entry.getValue();
            }
        }
        if (stalest == null) {
            return false;
        }
        forget(stalest);
        return true;
    }

    private boolean isFull() {
        return lastHeardMs.size() + introducedAtMs.size() >= maxMembers;
    }

    /** Whether {@code member} is in this view at all (live, silent or only introduced); this node always is. */
    public boolean knows(PeerId member) {
        return member.equals(self) || lastHeardMs.containsKey(member) || introducedAtMs.containsKey(member);
    }

    /**
     * Whether {@code member} was ever heard from directly and is still in the view (live or silent), not merely
     * introduced by another member's word (this node always is).
     */
    public boolean hasHeard(PeerId member) {
        return member.equals(self) || lastHeardMs.containsKey(member);
    }

    /** Whether {@code member} was heard from directly within the member timeout (this node always is). */
    public boolean isLive(PeerId member, long nowMs) {
        if (member.equals(self)) {
            return true;
        }
        Long heard = lastHeardMs.get(member);
        return heard != null && nowMs - heard <= memberTimeoutMs;
    }

    /** Since when this view has counted {@code member} a member (loop clock), or -1 if it does not know it. */
    public long seniorityOf(PeerId member) {
        return member.equals(self) ? selfJoinedMs : firstSeenMs.getOrDefault(member, -1L);
    }

    /**
     * Gives back a member that was lost and came back (a partition healed) the seniority it had, so that merged
     * groups agree who is newest.
     */
    public void restoreSeniority(PeerId member, long sinceMs) {
        if (knows(member) && !member.equals(self) && sinceMs >= 0) {
            firstSeenMs.put(member, sinceMs);
        }
    }

    /** How many members are only introduced, not yet heard from directly. */
    public int introducedCount() {
        return introducedAtMs.size();
    }

    /** A member left or was found unreachable. */
    public void forget(PeerId member) {
        lastHeardMs.remove(member);
        introducedAtMs.remove(member);
        introducedBy.remove(member);
        firstSeenMs.remove(member);
        if (!member.equals(self)) {
            ranks.remove(member);
        }
    }

    /** The live members, this node included, in ascending rank: the leader is the last. */
    public List<PeerId> liveMembers(long nowMs) {
        List<PeerId> live = new ArrayList<>();
        live.add(self);
        lastHeardMs.forEach((member, heardMs) -> {
            if (nowMs - heardMs <= memberTimeoutMs) {
                live.add(member);
            }
        });
        live.sort(byRank());
        return live;
    }

    /** Every member this node has heard of, live, silent or only introduced, except itself, in id order. */
    public List<PeerId> knownMembers() {
        TreeSet<PeerId> known = new TreeSet<>(lastHeardMs.keySet());
        known.addAll(introducedAtMs.keySet());
        return List.copyOf(known);
    }

    /**
     * Drops members silent, or introduced and unconfirmed, for longer than the timeout.
     *
     * @return each member dropped, with since when it had been a member
     */
    public Map<PeerId, Long> expire(long nowMs) {
        Map<PeerId, Long> expired = new java.util.TreeMap<>();
        for (Map<PeerId, Long> times : List.of(lastHeardMs, introducedAtMs)) {
            times.entrySet().removeIf(entry -> {
                boolean silent = nowMs - entry.getValue() > memberTimeoutMs;
                if (silent) {
                    expired.put(entry.getKey(), firstSeenMs.getOrDefault(entry.getKey(), -1L));
                }
                return silent;
            });
        }
        expired.keySet().forEach(member -> {
            firstSeenMs.remove(member);
            introducedBy.remove(member);
            ranks.remove(member);
        });
        return expired;
    }

    /**
     * How many members, this node included, were heard from within the last {@code withinMs}: the members a
     * decision to shed a copy may count on. A member heard from seconds ago may have died silently since.
     */
    public int heardWithin(long nowMs, long withinMs) {
        int fresh = 1;
        for (long heardMs : lastHeardMs.values()) {
            if (nowMs - heardMs <= withinMs) {
                fresh++;
            }
        }
        return fresh;
    }

    /** The group's state now. */
    public GroupState state(long nowMs) {
        return GroupState.of(liveMembers(nowMs).size(), replication);
    }

    /** The leader: the live member of highest rank. */
    public PeerId leader(long nowMs) {
        return liveMembers(nowMs).getLast();
    }

    /** Whether this node leads the group now. */
    public boolean isLeader(long nowMs) {
        return leader(nowMs).equals(self);
    }

    /**
     * How far this node is from leading: 0 for the leader, 1 for the live member ranked next, and so on. A deputy
     * steps in when a cold group stays cold, so a leader that never repairs cannot keep a group cold.
     */
    public int deputyPosition(long nowMs) {
        List<PeerId> live = liveMembers(nowMs);
        return live.size() - 1 - live.indexOf(self);
    }

    /** How many members the leader should recruit now (0 unless cold). */
    public int missing(long nowMs) {
        return missing(nowMs, replication);
    }

    /** How many members the leader should recruit now for a group of {@code target} members. */
    public int missing(long nowMs, int target) {
        return Math.max(0, target - liveMembers(nowMs).size());
    }

    /** {@link #surplus(long, int)} for a group of {@code r} members. */
    public List<PeerId> surplus(long nowMs) {
        return surplus(nowMs, replication);
    }

    /**
     * Which members a hot group of {@code target} members sheds: the newest live members (by when this node first
     * heard of them; this node by when it joined), never the leader. On a tie this node counts itself the newest
     * (a member that rejoins after a restart meets its old partners at the moment it joins), then rank decides.
     */
    public List<PeerId> surplus(long nowMs, int target) {
        List<PeerId> live = liveMembers(nowMs);
        if (live.size() <= target) {
            return List.of();
        }
        List<PeerId> candidates = new ArrayList<>(live.subList(0, live.size() - 1));
        candidates.sort(Comparator.comparingLong(this::seniorityMs).reversed()
            .thenComparing(member -> !member.equals(self)).thenComparing(byRank()));
        return List.copyOf(candidates.subList(0, live.size() - target));
    }

    private long seniorityMs(PeerId member) {
        return member.equals(self) ? selfJoinedMs : firstSeenMs.getOrDefault(member, Long.MAX_VALUE);
    }

    private Comparator<PeerId> byRank() {
        return (a, b) -> Arrays.compareUnsigned(rank(a), rank(b));
    }

    private byte[] rank(PeerId member) {
        byte[] cached = ranks.get(member);
        if (cached != null) {
            return cached;
        }
        byte[] rank = rankOf(block, member);
        ranks.put(member, rank);
        return rank;
    }

    /** A member's rank in the group of {@code block}: {@code SHA-256(block | peer id)}, compared unsigned. */
    static byte[] rankOf(ContentId block, PeerId member) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(block.toBytes());
            sha.update(member.toBytes());
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
