package network.butter.persist;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import network.butter.api.PeerSilentException;
import network.butter.api.RequestTimeoutException;
import network.butter.env.Cancellable;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.persist.PcgMessages.Beat;
import network.butter.persist.PcgMessages.Entry;
import network.butter.store.ContentId;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats and group upkeep. Beats are batched per peer pair: one exchange per partner per interval covers every
 * group the two share, in both directions (the reply is the partner's beat), so the cost grows with partners, not
 * with groups. Each pair has one exchange per interval, not two: the partner with the smaller id starts it an
 * interval after the last one, the other only if a tenth of an interval more passes without it
 * ({@link #PASSIVE_SLACK}), which happens only when the first is gone or its beat was lost. Rounds (with random
 * palpitations) expire members and schedule the exchanges that come due before the next round.
 *
 * <p>A beat changes only its sender's own membership: it refreshes the sender in groups where this node already
 * counts it a member, and a member's beat may introduce others (hearsay, bounded by the view), but a stranger
 * claiming a group is not admitted by saying so. A member is gone when it misses
 * {@link PcgConfig#memberTimeoutBeats()} beats, or at once when any protocol finds it unreachable.
 *
 * <p>A group that loses a member to silence (a member timeout, or a beat or other request that timed out) checks
 * its other members at once (a beat to each not heard from within {@link #CHECK_FRESH_FRACTION} of an interval)
 * instead of at their next exchange: silent deaths come in bursts (a power cut, a dropped link), and a second member
 * that went dark around the same time would otherwise be found only an interval or two later, when the group may
 * have no copy left. A member that is refused or reset, or says it left, is no such sign: its partners are not
 * checked (each is found at its next exchange if it died too). The check is one batched exchange per partner,
 * bounded by the group's members. A node whose loop runs behind checks nobody (see {@link LoopLag}).
 *
 * <p>Each round also starts a few audit reads of partners ({@link Audits}): a member that proves it holds a block but
 * refuses to serve it stops counting.
 *
 * <p>A round never dies of an error: whatever one round throws is logged and the next round is scheduled anyway.
 */
final class Upkeep {

    private static final Logger log = LoggerFactory.getLogger(Upkeep.class);
    private static final int PROBE_EVERY_ROUNDS = 5;
    private static final int FORMER_MEMBER_TTL_BEATS = 60;
    private static final long ANNOUNCE_DELAY_MS = 50;
    /** Most blocks owed to one peer as "not held here"; more are dropped (the peer learns on a later beat). */
    static final int MAX_OWED_PER_PEER = 1_024;
    /** Member timeouts a peer that failed a possession proof stays out of the group. */
    static final int BAR_TIMEOUTS = 10;
    /** A member heard from within this share of a heartbeat interval is not checked again when its group loses another. */
    static final double CHECK_FRESH_FRACTION = 0.25;
    /**
     * Share of an interval the partner with the larger id waits beyond it before it starts the pair's exchange
     * itself: the other starts it on time, so each pair exchanges once per interval, and a partner that died is
     * still found within little more than an interval. The other's beat leaves an interval after its last one and
     * the answer to that reached this node one trip later, so it is due here an interval after this node's last
     * exchange; the slack only covers a trip that takes longer than the last one, or a loop running late.
     */
    static final double PASSIVE_SLACK = 0.1;

    private final PcgNode node;
    private final GroupTable table;
    private final Tombstones tombstones;
    private final Repair repair;
    private final Placement placement;
    private final Claims claims;
    private final Possession possession;
    private final Audits audits;
    private final Map<PeerId, Long> lastExchangeMs = new HashMap<>();
    private final Map<PeerId, Long> lastHeardMs = new HashMap<>();
    private final Map<PeerId, Set<ContentId>> owedNotHeld = new TreeMap<>();
    private final Set<PeerId> announcing = new TreeSet<>();
    private final Set<PeerId> beating = new TreeSet<>();
    private final RoundTrips roundTrips;
    private Cancellable ticker = Cancellable.NONE;
    private long roundDueMs;
    private long rounds;

    Upkeep(PcgNode node, GroupTable table, Tombstones tombstones, Repair repair, Placement placement) {
        this.node = node;
        this.table = table;
        this.tombstones = tombstones;
        this.repair = repair;
        this.placement = placement;
        this.claims = new Claims(node, table, repair);
        this.possession = new Possession(node, table);
        this.audits = new Audits(node, table, tombstones, repair);
        this.roundTrips = new RoundTrips(node.config.requestTimeoutMs());
    }

    void start() {
        scheduleRound();
    }

    /** Schedules the next round and notes when it is due, so the round can tell how late the loop runs. */
    private void scheduleRound() {
        long delayMs = nextRoundDelayMs();
        roundDueMs = node.now() + delayMs;
        ticker = node.context.loop().schedule(delayMs, this::tick);
    }

    void stop() {
        ticker.cancel();
    }

    /** Whether {@code peer} was heard from (a beat or a beat's answer) within the last heartbeat interval. */
    boolean heardLately(PeerId peer) {
        Long heard = lastHeardMs.get(peer);
        return heard != null && node.now() - heard <= node.config.heartbeatIntervalMs();
    }

    /** Peers this part still needs addresses for. */
    Set<PeerId> activePeers() {
        return owedNotHeld.keySet();
    }

    /** {@code claimant} says it holds {@code group}'s block: it counts only once it sends the block when asked. */
    void claim(Group group, PeerAddress claimant) {
        claims.verify(group, claimant);
    }

    /** Remembers to tell {@code peer} on the next exchange that this node no longer holds {@code block}. */
    void owe(PeerId peer, ContentId block) {
        Set<ContentId> owed = owedNotHeld.computeIfAbsent(peer, p -> new TreeSet<>());
        if (owed.size() < MAX_OWED_PER_PEER) {
            owed.add(block);
        }
    }

    /** The blocks owed to {@code peer} as "not held here", taken: they go out with the exchange being made now. */
    Set<ContentId> takeOwed(PeerId peer) {
        Set<ContentId> owed = owedNotHeld.remove(peer);
        return owed == null ? Set.of() : owed;
    }

    void exchanged(PeerId peer) {
        lastExchangeMs.put(peer, node.now());
    }

    private void tick() {
        if (node.stopped) {
            return;
        }
        node.loopLag.observe(node.now() - roundDueMs); 
        try {
            round();
        } catch (RuntimeException e) {
            log.error("{}: a storage upkeep round failed; the next one runs as scheduled", node.self.shortForm(), e);
        } finally {
            if (!node.stopped) {
                scheduleRound();
            }
        }
    }

    private void round() {
        long now = node.now();
        // While this node runs behind, its partners' beats reach it late: members may be silent that much longer.
        long allowanceMs = node.loopLag.allowanceMs();
        for (Group group : table.groups.values()) {
            group.view.allowLateness(allowanceMs);
            Set<PeerId> heard = new TreeSet<>();
            group.view.knownMembers().stream().filter(group.view::hasHeard).forEach(heard::add);
            Map<PeerId, Long> expired = group.view.expire(now);
            if (!expired.isEmpty()) {
                group.dirty = true;
                // Only members heard from count as lost for adaptive replication: hearsay that never showed up
                // (a dead peer other members still name) is no death seen, and would keep r raised in calm.
                repair.lost((int) expired.keySet().stream().filter(heard::contains).count());
                expired.forEach((member, seniority) -> group.remember(member, now, seniority));
                checkMembers(group);
            }
            group.formers.values().removeIf(at -> now - at > FORMER_MEMBER_TTL_BEATS * node.config.heartbeatIntervalMs());
        }
        if (++rounds % PROBE_EVERY_ROUNDS == 0) {
            probeFormerMembers();
        }
        placement.expire(now);
        repair.observe(now);
        Map<PeerId, Set<ContentId>> partners = table.partners();
        lastExchangeMs.keySet().retainAll(partners.keySet());
        lastHeardMs.keySet().retainAll(partners.keySet());
        beating.retainAll(partners.keySet());
        possession.retain(partners.keySet());
        audits.round(partners);
        owedNotHeld.keySet().removeIf(peer -> table.address(peer) == null && !partners.containsKey(peer));
        Set<PeerId> targets = new TreeSet<>(partners.keySet());
        targets.addAll(owedNotHeld.keySet());
        for (PeerId peer : targets) {
            Long last = lastExchangeMs.get(peer);
            long dueMs = last == null ? now : last + beatGapMs(peer);
            if (now < dueMs && !owedNotHeld.containsKey(peer)) {
                beatUnlessExchanged(peer, last, dueMs - now);
                continue;
            }
            beat(peer);
        }
        for (Group group : List.copyOf(table.groups.values())) {
            repair.maintain(group);
        }
        Set<PeerId> needed = new TreeSet<>(owedNotHeld.keySet());
        table.saveRecords(needed);
    }

    /**
     * How long after the pair's last exchange this node starts the next one with {@code peer}: an interval if its id
     * is the smaller, an interval and {@link #PASSIVE_SLACK} more if not, plus the lateness allowance while this
     * node's loop runs behind. On a saturated machine the other side's timers run as late as this node's, and its
     * beat comes that much after the slack: without the allowance both sides start exchanges, which doubles the beats
     * on a machine that has no time for them (41 % of the exchanges of a saturated 100-node process run were started
     * by the partner that should have waited; {@code OverloadedNodesSimTest} shows the same with loops that run late).
     */
    private long beatGapMs(PeerId peer) {
        long intervalMs = node.config.heartbeatIntervalMs();
        return node.self.compareTo(peer) < 0 ? intervalMs
            : Math.round(intervalMs * (1 + PASSIVE_SLACK)) + node.loopLag.allowanceMs();
    }

    /**
     * A partner whose exchange is not due yet (due in {@code delayMs}) is beaten once it is, unless another exchange
     * with it happened meanwhile: left to the next round, a partner that died just after the exchange would be found
     * up to two intervals after it was last heard.
     */
    private void beatUnlessExchanged(PeerId peer, long exchangedAtMs, long delayMs) {
        node.context.loop().schedule(Math.max(1, delayMs), () -> {
            Long last = lastExchangeMs.get(peer);
            if (!node.stopped && last != null && last == exchangedAtMs && !beating.contains(peer)) {
                beat(peer);
            }
        });
    }

    private long nextRoundDelayMs() {
        return Heartbeats.nextBeatDelayMs(node.config.heartbeatIntervalMs(), node.config.palpitation(), node.context.random());
    }

    void beat(PeerId peer) {
        beat(peer, true, true);
    }

    /**
     * Beats {@code peer}. A beat that times out is sent once more at once, with twice the time to answer (as TCP
     * backs off a retransmission), since on a lossy network one lost beat is far likelier than a death, and round
     * trips that just grew (a loop falling behind) are likelier still than two losses; only a second timeout in a
     * row counts the peer as gone. A beat that does not
     * {@code postpone} the peer's next regular one (a check after a death in a group) leaves the round's schedule as
     * it was: a check answered shortly before the next round must not make that round skip the peer, or a member
     * dying just after the check is found only a round later, up to two intervals after it was last heard.
     */
    private void beat(PeerId peer, boolean mayRetry, boolean postpone) {
        PeerAddress address = table.address(peer);
        if (address == null) {
            owedNotHeld.remove(peer);
            return;
        }
        Beat beat = withPossession(peer, new Beat(table.entriesFor(peer), List.copyOf(takeOwed(peer)), List.of()));
        if (postpone) {
            exchanged(peer);
        }
        beating.add(peer);
        long sentMs = node.now();
        long timeoutMs = mayRetry ? beatTimeoutMs() : retryTimeoutMs();
        node.request(address, PeerContentGroups.BEAT_ROUTE, beat.encode(), timeoutMs).whenComplete((reply, error) -> {
            beating.remove(peer);
            if (node.stopped) {
                return;
            }
            if (error == null) {
                roundTrips.observe(node.now() - sentMs);
            }
            if (error != null) {
                Throwable cause = PcgNode.unwrap(error);
                boolean timedOut = cause instanceof RequestTimeoutException;
                if (mayRetry && timedOut) {
                    beat(peer, false, postpone);
                    checkPartnersOf(peer);
                } else if (timedOut && node.loopLag.lagging()) {
                    // This node runs behind: the answer may be waiting in its own queue. A partner that really died
                    // still expires once it has been silent for the member timeout.
                    log.debug("{}: beats to {} timed out while this node's loop runs {} ms behind; not counted as a death",
                        node.self.shortForm(), peer.shortForm(), node.loopLag.lagMs());
                } else {
                    peerFailed(peer, cause);
                }
                return;
            }
            try {
                Beat answer = Beat.decode(reply.payload());
                Set<ContentId> notHeld = new TreeSet<>();
                List<Tombstone> owedTombstones = new ArrayList<>();
                absorb(address, answer, notHeld, owedTombstones);
                notHeld.forEach(block -> owe(peer, block));
                owedTombstones.forEach(tombstone -> node.request(address, PeerContentGroups.DELETE_ROUTE, tombstone.encode()));
            } catch (WireFormatException e) {
                log.debug("{}: bad heartbeat answer from {}: {}", node.self.shortForm(), address, e.getMessage());
            }
        });
    }

    /**
     * How long a beat may take: fitted to the beats' round trips; the member timeout while this node's loop runs
     * behind. An answer then waits in this node's queue, and a partner on the same saturated machine is as late at
     * every step, so the round trip says nothing about the partner's health; waiting as long as silence may last
     * before a member counts as gone keeps a late answer from costing a member its place.
     */
    private long beatTimeoutMs() {
        return node.loopLag.lagging()
            ? Math.max(roundTrips.timeoutMs(), node.config.memberTimeoutMs() + node.loopLag.allowanceMs())
            : roundTrips.timeoutMs();
    }

    /**
     * How long a beat sent again after a timeout may take: twice the first one's time, up to the request timeout,
     * and never less than the first (while the loop runs behind, that is already the member timeout and more).
     */
    private long retryTimeoutMs() {
        long firstMs = beatTimeoutMs();
        return Math.max(firstMs, Math.min(node.config.requestTimeoutMs(), 2 * firstMs));
    }

    /** Adds the possession proof {@code peer} asked for, and now and then a challenge, to a beat for it. */
    Beat withPossession(PeerId peer, Beat beat) {
        return possession.attach(peer, beat);
    }

    /**
     * Takes in a beat (or a beat's answer) from {@code from}: groups in which this node counts {@code from} a member
     * hear from it and learn the members it names; groups it names that this node does not hold go into
     * {@code notHeld} (or their tombstone into {@code owedTombstones}); groups it no longer holds forget it;
     * tombstones are applied (each checked against its block's id).
     */
    void absorb(PeerAddress from, Beat beat, Set<ContentId> notHeld, List<Tombstone> owedTombstones) {
        long now = node.now();
        lastHeardMs.put(from.id(), now);
        Optional<Possession.Lapse> lapsed = possession.receive(from.id(), beat);
        lapsed.filter(lapse -> lapse.lied() || lapse.missed()).ifPresent(lapse -> lapsed(from.id(), lapse, now));
        for (Tombstone tombstone : beat.tombstones()) {
            tombstones.apply(tombstone, from.id());
        }
        for (Entry entry : beat.held()) {
            Group group = table.get(entry.block());
            if (group != null) {
                if (group.isBarred(from.id(), now)) {
                    continue;
                } else if (group.isStoreBarred(from.id(), now)) {
                    group.view.forget(from.id());
                    claims.verify(group, from);
                    continue;
                } else if (group.formers.containsKey(from.id())) {
                    group.welcomeBack(from.id(), now);
                } else if (!group.view.knows(from.id())) {
                    claims.verify(group, from);
                    continue;
                } else {
                    group.view.heard(from.id(), now);
                }
                table.learn(from);
                table.introduceAll(group, entry.members(), from.id());
                if (group.view.withdraw(from.id(), entry.members().stream().map(PeerAddress::id).toList())) {
                    group.dirty = true;
                }
                if (group.dirty) {
                    repair.maintain(group);
                }
            } else {
                Tombstone tombstone = tombstones.get(entry.block());
                if (tombstone != null) {
                    if (owedTombstones.size() < PcgConfig.MAX_TOMBSTONES_PER_BEAT) {
                        owedTombstones.add(tombstone);
                    }
                } else if (notHeld.size() < MAX_OWED_PER_PEER) {
                    notHeld.add(entry.block());
                }
            }
        }
        // A lapse by "not held" comes after the members the beat names: a leaving member's goodbye names its heir.
        lapsed.filter(lapse -> !lapse.lied() && !lapse.missed()).ifPresent(lapse -> lapsed(from.id(), lapse, now));
        for (ContentId block : beat.notHeld()) {
            Group group = table.get(block);
            if (group != null) {
                group.formers.remove(from.id());
            }
            if (group != null && group.view.knows(from.id())) {
                group.view.forget(from.id());
                group.dirty = true;
                repair.maintain(group);
            }
        }
    }

    /** {@code from} no longer counts as a member of the lapse's group; barred too if it lied or missed its proofs. */
    private void lapsed(PeerId from, Possession.Lapse lapse, long now) {
        Group group = table.get(lapse.block());
        if (group != null) {
            group.view.forget(from);
            if (lapse.lied() || lapse.missed()) {
                group.bar(from, now + BAR_TIMEOUTS * node.config.memberTimeoutMs(), lapse.lied());
            }
            group.dirty = true;
            repair.maintain(group);
            checkMembers(group);
        }
    }

    /**
     * Tells the group's other members at once that this node joined. Joins arriving together (the blocks of one
     * put) are announced together: one beat per partner after {@link #ANNOUNCE_DELAY_MS}, since each beat covers
     * every group the two share.
     */
    void announce(Group group, PeerId recruiter) {
        boolean idle = announcing.isEmpty();
        for (PeerId member : group.view.knownMembers()) {
            if (!member.equals(recruiter) && !member.equals(node.self)) {
                announcing.add(member);
            }
        }
        if (idle && !announcing.isEmpty()) {
            node.context.loop().schedule(ANNOUNCE_DELAY_MS, () -> {
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
        for (Group group : table.groups.values()) {
            for (PeerId former : group.formers.keySet()) {
                if (table.address(former) != null && !group.view.knows(former)) {
                    List<PeerAddress> members = new ArrayList<>(table.addressesOf(group.view.liveMembers(node.now())));
                    probes.computeIfAbsent(former, f -> new ArrayList<>()).add(new Entry(group.block(), members));
                }
            }
        }
        probes.forEach((peer, entries) -> {
            PeerAddress address = table.address(peer);
            node.request(address, PeerContentGroups.BEAT_ROUTE, new Beat(entries, List.of(), List.of()).encode()).whenComplete((reply, error) -> {
                if (error == null && !node.stopped) {
                    try {
                        absorb(address, Beat.decode(reply.payload()), new TreeSet<>(), new ArrayList<>());
                    } catch (WireFormatException e) {
                        log.debug("{}: bad probe answer from {}: {}", node.self.shortForm(), address, e.getMessage());
                    }
                }
            });
        });
    }

    /**
     * A peer failed. A refused or reset connection means it is gone; a timeout may be a partition, so the peer is
     * kept as a former member and probed now and then, and the groups merge again once it answers. Only a timeout
     * gets the other members of its groups checked (see the class comment).
     */
    void peerFailed(PeerId peer, Throwable cause) {
        if (node.stopped) {
            return;
        }
        long now = node.now();
        boolean silent = cause instanceof RequestTimeoutException || cause instanceof PeerSilentException;
        placement.failed(peer);
        possession.forget(peer);
        lastHeardMs.remove(peer);
        lastExchangeMs.remove(peer);
        owedNotHeld.remove(peer);
        int lost = 0;
        for (Group group : List.copyOf(table.groups.values())) {
            if (group.view.knows(peer)) {
                if (silent) {
                    group.remember(peer, now);
                }
                group.view.forget(peer);
                group.dirty = true;
                lost++;
                repair.maintain(group);
                if (silent) {
                    checkMembers(group);
                }
            }
        }
        if (lost > 0) {
            repair.lost(1);
        }
    }

    /**
     * A beat to {@code peer} went unanswered once: while it is asked again, the other members of its groups are
     * checked too, so that if it died silently together with another member, both are found in one round trip
     * instead of one after the other.
     */
    private void checkPartnersOf(PeerId peer) {
        for (Group group : table.groups.values()) {
            if (group.view.knows(peer)) {
                checkMembers(group);
            }
        }
    }

    /**
     * {@code group} lost a member: beats each of its other members not heard from lately and not being beaten
     * already, so that a second silent death in the same group is found within a round trip or two, not a round.
     * Not while this node's loop runs behind: its members then expire only after the lateness allowance anyway, and
     * on a saturated machine losses are mostly answers that came late, each of which would set off a round of
     * checks that come late too.
     */
    private void checkMembers(Group group) {
        if (node.loopLag.lagging()) {
            return;
        }
        long freshMs = Math.round(node.config.heartbeatIntervalMs() * CHECK_FRESH_FRACTION);
        for (PeerId member : group.view.knownMembers()) {
            Long heard = lastHeardMs.get(member);
            if (!beating.contains(member) && (heard == null || node.now() - heard > freshMs)) {
                beat(member, true, false);
            }
        }
    }
}
