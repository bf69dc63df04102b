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
    /** The replication factor the group was created with; peers cannot change it later. */
    final int replication;
    /** Candidates asked to join and not answered yet, with when they were asked (loop clock). */
    final Map<PeerId, Long> recruiting = new HashMap<>();
    /** Surplus members asked to leave and not answered yet. */
    final Set<PeerId> trimming = new HashSet<>();
    /** Members lost to silence (maybe a partition), by when: probed now and then so split groups merge again. */
    final Map<PeerId, Long> formers = new LinkedHashMap<>();
    /** Since when each former member had been a member: given back when it returns. */
    private final Map<PeerId, Long> formerSeniority = new LinkedHashMap<>();
    /** Peers that failed to prove they hold this block, until when (loop clock): they are not members meanwhile. */
    private final Map<PeerId, Long> barredUntilMs = new LinkedHashMap<>();
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
     * Bars a peer that failed to prove it holds the block from counting as a member until {@code untilMs}: a peer
     * that sends the block now and then (a store) but answers no challenge is no replica. At most
     * {@link #MAX_FORMERS} peers are barred, the oldest bar dropped first.
     */
    void bar(PeerId peer, long untilMs) {
        barredUntilMs.remove(peer);
        barredUntilMs.put(peer, untilMs);
        if (barredUntilMs.size() > MAX_FORMERS) {
            barredUntilMs.remove(barredUntilMs.keySet().iterator().next());
        }
    }

    /** Whether {@code peer} is barred from membership now. */
    boolean isBarred(PeerId peer, long nowMs) {
        Long until = barredUntilMs.get(peer);
        if (until != null && until <= nowMs) {
            barredUntilMs.remove(peer);
            return false;
        }
        return until != null;
    }

    ContentId block() {
        return stamp.block();
    }

}
