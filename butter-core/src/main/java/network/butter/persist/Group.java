package network.butter.persist;

import java.util.HashMap;
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
    /**
     * The replication factor the group was created with; peers cannot change it later. Under adaptive replication it
     * is a floor only for {@link Repair#FLOOR_HOLD_MS} after this node joined: a recruit takes the raised {@code r} of
     * the leader that recruited it during churn, then follows its own estimate, so a group comes back down when calm.
     */
    final int replication;
    /** When this node joined the group (loop clock). */
    final long joinedMs;
    /** Candidates asked to join and not answered yet, with when they were asked (loop clock). */
    final Map<PeerId, Long> recruiting = new HashMap<>();
    /** Surplus members asked to leave and not answered yet. */
    final Set<PeerId> trimming = new HashSet<>();
    /** Members lost to silence (maybe a partition), by when: probed now and then so split groups merge again. */
    final Map<PeerId, Long> formers = new LinkedHashMap<>();
    /** Since when each former member had been a member: given back when it returns. */
    private final Map<PeerId, Long> formerSeniority = new LinkedHashMap<>();
    /** Peers that failed to prove they hold this block, until when (loop clock), and whether they lied. */
    private final Map<PeerId, Bar> bars = new LinkedHashMap<>();

    private record Bar(long untilMs, boolean lied) {
    }
    /** Peers that claimed to hold this block and are being asked to prove it. */
    final Set<PeerId> verifying = new HashSet<>();
    /** Before this time (loop clock) the group neither recruits nor trims: after a restart, old members answer first. */
    long quietUntilMs;
    /** Since when the group has been cold (loop clock), or -1: deputies step in when it stays cold. */
    long coldSinceMs = -1;
    /** Since when the group has been hot (loop clock), or -1: the leader trims only a group hot for a beat. */
    long hotSinceMs = -1;
    /** Since when this member has refused its leader's trims of a hot group (loop clock), or -1. */
    long trimRefusedSinceMs = -1;
    /** Whether the membership changed since the record on disk was written. */
    boolean dirty = true;

    Group(OwnerStamp stamp, int sizeBytes, PeerId self, int replication, PcgConfig config, long nowMs) {
        this.stamp = stamp;
        this.sizeBytes = sizeBytes;
        this.replication = replication;
        this.joinedMs = nowMs;
        this.view = new GroupView(stamp.block(), self, replication, config.memberTimeoutMs(),
            config.maxMembersPerGroup(), nowMs);
    }

    /** Keeps a member that went silent as a former one, at most {@link #MAX_FORMERS}, the oldest dropped first. */
    void remember(PeerId member, long nowMs) {
        remember(member, nowMs, view.seniorityOf(member));
    }

    /** {@link #remember(PeerId, long)} for a member already dropped from the view, with its seniority. */
    void remember(PeerId member, long nowMs, long seniority) {
        formers.remove(member);
        formers.put(member, nowMs);
        formerSeniority.put(member, seniority);
        if (formers.size() > MAX_FORMERS) {
            formers.remove(formers.keySet().iterator().next());
        }
        formerSeniority.keySet().retainAll(formers.keySet());
    }

    /** A former member was heard from again: it is live, with the seniority it had. */
    void welcomeBack(PeerId member, long nowMs) {
        Long seniority = formerSeniority.remove(member);
        formers.remove(member);
        if (view.heard(member, nowMs) && seniority != null) {
            view.restoreSeniority(member, seniority);
        }
    }

    /**
     * Bars a peer that failed to prove it holds the block until {@code untilMs}. One that sent a wrong proof
     * ({@code lied}) is no member meanwhile, whatever it sends; one that sent none may come back only the way a
     * stranger does, by sending the block when asked (a claim), not by storing it again: a peer that sends the block
     * now and then but answers no challenge is no replica. Members that merely disagree about the group (after a
     * partition) come back as former members or claimants. At most {@link #MAX_FORMERS} bars, oldest dropped first.
     */
    void bar(PeerId peer, long untilMs, boolean lied) {
        bars.remove(peer);
        bars.put(peer, new Bar(untilMs, lied));
        if (bars.size() > MAX_FORMERS) {
            bars.remove(bars.keySet().iterator().next());
        }
    }

    /** {@code peer} sent the block itself when asked (a claim): a missed proof no longer bars it. */
    void unbar(PeerId peer) {
        Bar bar = bars.get(peer);
        if (bar != null && !bar.lied()) {
            bars.remove(peer);
        }
    }

    /** Whether {@code peer} sent a wrong proof lately: it is no member, whatever it sends. */
    boolean isBarred(PeerId peer, long nowMs) {
        Bar bar = currentBar(peer, nowMs);
        return bar != null && bar.lied();
    }

    /** Whether {@code peer} failed a proof lately: its stores of the block do not make it a member. */
    boolean isStoreBarred(PeerId peer, long nowMs) {
        return currentBar(peer, nowMs) != null;
    }

    private Bar currentBar(PeerId peer, long nowMs) {
        Bar bar = bars.get(peer);
        if (bar != null && bar.untilMs() <= nowMs) {
            bars.remove(peer);
            return null;
        }
        return bar;
    }

    ContentId block() {
        return stamp.block();
    }

    /**
     * Whether {@code data}, sent under {@code claimed}, is this group's block as its owner stamped it. A stamp equal to
     * the group's own needs no second signature check: this member checked it when it took the block (or signed it
     * itself). Audits and claims read a partner's copy every few rounds, and an Ed25519 verification each was a tenth
     * of a real host's CPU while 200 nodes stored.
     */
    boolean isBlock(OwnerStamp claimed, byte[] data) {
        return claimed.equals(stamp) ? claimed.describes(data) : claimed.validFor(data);
    }

}
