package network.butter.persist;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.butter.api.Reply;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.persist.PcgMessages.Store;
import network.butter.persist.PcgMessages.StoreReply;
import network.butter.persist.PcgMessages.StoreStatus;
import network.butter.persist.PcgMessages.Trim;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance and repair: the leader's duties. The leader (the live member of highest rank, see {@link GroupView})
 * recruits into a cold group and trims a hot one; other members only keep their copy. If a cold group stays cold
 * — a leader that is slow, or one that never repairs — the next-ranked member steps in after one member timeout,
 * the one after it after two, and so on, so no single member can keep a group cold. A group must stay hot for a
 * heartbeat interval before it is trimmed, and only while more than {@code r} members were heard from within the
 * last interval: a member handing its copy over, or a goodbye on its way, makes a group hot only for a moment, and
 * a member heard from seconds ago may have died silently since.
 */
final class Repair {

    private static final Logger log = LoggerFactory.getLogger(Repair.class);
    private static final long DAY_MS = 86_400_000L;
    /** Heartbeat intervals a cold group waits for introduced members to show up before recruiting anyway. */
    private static final int HEARSAY_GRACE_BEATS = 2;
    /** How long a recruit that has not answered holds its vacancy at least; longer where stores take longer. */
    static final long RECRUIT_PATIENCE_MS = 500;
    /**
     * Most recruits this node waits on at once (stores sent, not yet answered), over all its groups. Each carries a
     * whole chunk and costs its recruit a signature check and a disk write: after a burst of deaths a node leading
     * many groups would otherwise send them all at once, into a network that may be slow for the very reason the
     * members looked dead. Groups over the bound are repaired at their next round.
     */
    static final int MAX_RECRUITS_IN_FLIGHT = 16;
    /** The bound while this node's loop runs behind ({@link LoopLag}): a machine with no time to spare repairs slowly. */
    static final int MAX_RECRUITS_IN_FLIGHT_LAGGING = 2;
    /**
     * How long a group keeps the replication it was created with as a floor, under adaptive replication: two half-lives
     * of the churn estimate, long enough for a recruit to have seen the churn that raised it for itself.
     */
    static final long FLOOR_HOLD_MS = 2 * ChurnEstimate.HALF_LIFE_MS;

    private final PcgNode node;
    private final GroupTable table;
    private final Placement placement;
    private final Tombstones tombstones;
    private final BlockReads reads;
    private final Proofs proofs;
    private final ChurnEstimate churn = new ChurnEstimate();
    private int recruitsInFlight;

    Repair(PcgNode node, GroupTable table, Placement placement, Tombstones tombstones, BlockReads reads, Proofs proofs) {
        this.node = node;
        this.table = table;
        this.placement = placement;
        this.tombstones = tombstones;
        this.reads = reads;
        this.proofs = proofs;
    }

    /** Records that {@code members} of this node's groups were lost, for adaptive replication. */
    void lost(int members) {
        churn.lost(members);
    }

    /** Once a round: how many partners this node watches, for adaptive replication. */
    void observe(long nowMs) {
        churn.observe(nowMs, table.livePartnerCount());
    }

    /** The leader's (or a deputy's) duties for one group: recruit into it if cold, trim it if hot. */
    void maintain(Group group) {
        if (node.stopped || table.get(group.block()) != group) {
            return;
        }
        table.saveRecord(group);
        long now = node.now();
        List<PeerId> live = group.view.liveMembers(now);
        int target = targetFor(group, now);
        if (live.size() >= target) {
            group.coldSinceMs = -1;
        } else if (group.coldSinceMs < 0) {
            group.coldSinceMs = now;
        }
        // Members only heard of (a recruit not yet heard from) hold off recruiting for them, but only briefly: hearsay
        // that never shows up, e.g. ids a lying member names, must not keep a cold group from being repaired.
        boolean hearsayExpired = group.coldSinceMs >= 0 && now - group.coldSinceMs > HEARSAY_GRACE_BEATS * node.config.heartbeatIntervalMs();
        int introduced = hearsayExpired ? 0 : group.view.introducedCount();
        int missing = target - live.size() - pendingRecruits(group, now) - introduced;
        if (live.size() <= target) {
            group.hotSinceMs = -1;
            group.trimRefusedSinceMs = -1;
        } else if (group.hotSinceMs < 0) {
            group.hotSinceMs = now;
        }
        if (now < group.quietUntilMs || !mayAct(group, now)) {
            return;
        }
        if (missing > 0) {
            // While this node runs behind, a group with its base replication of live members waits: the members it
            // lacks were likely lost to this node's own lateness, and the extra copies can come once it keeps time.
            boolean urgent = !node.loopLag.lagging() || live.size() < node.config.replication();
            int room = (node.loopLag.lagging() ? MAX_RECRUITS_IN_FLIGHT_LAGGING : MAX_RECRUITS_IN_FLIGHT) - recruitsInFlight;
            if (urgent && room > 0) {
                recruit(group, placement.candidates(group, Math.min(missing, room)), target);
            }
        } else if (live.size() > target && now - group.hotSinceMs >= node.config.heartbeatIntervalMs()
            && group.view.heardWithin(now, node.config.heartbeatIntervalMs()) > target
            && pendingRecruits(group, now) == 0 && group.trimming.isEmpty() && group.view.isLeader(now)) {
            for (PeerId surplus : group.view.surplus(now, target)) {
                trim(group, surplus);
            }
        }
    }

    /**
     * Recruits asked within {@link #RECRUIT_PATIENCE_MS}: a recruit that has not answered by then may have died
     * silently, and waiting for its request to time out would leave the group short; a spare is recruited instead,
     * and the group trimmed later if both join.
     */
    private int pendingRecruits(Group group, long now) {
        long patienceMs = recruitPatienceMs();
        int pending = 0;
        for (long askedAt : group.recruiting.values()) {
            if (now - askedAt < patienceMs) {
                pending++;
            }
        }
        return pending;
    }

    /**
     * How long an unanswered recruit holds its vacancy: {@link #RECRUIT_PATIENCE_MS}, or twice a store's typical
     * round trip lately if that is longer, plus, while this node's loop runs behind, what it allows for that on each
     * of a recruit's two exchanges (the store and its proof; {@link LoopLag#allowanceMs()}). On a loaded network whose
     * stores take seconds, a fixed half second made every maintenance pass recruit a spare for each recruit still on
     * its way, and each spare loaded the network further.
     */
    private long recruitPatienceMs() {
        return Math.max(RECRUIT_PATIENCE_MS, 2 * node.storeTimeouts.typicalMs()) + 2 * node.loopLag.allowanceMs();
    }

    /** The leader acts at once; a deputy only once the group has been cold for its position × the member timeout. */
    private boolean mayAct(Group group, long now) {
        int position = group.view.deputyPosition(now);
        return position == 0 || (group.coldSinceMs >= 0 && now - group.coldSinceMs >= position * node.config.memberTimeoutMs());
    }

    private void recruit(Group group, List<PeerAddress> recruits, int target) {
        if (recruits.isEmpty()) {
            return;
        }
        Optional<byte[]> data = node.store.get(group.block());
        if (data.isEmpty()) {
            restoreCopy(group);
            return;
        }
        List<PeerAddress> members = new ArrayList<>(table.addressesOf(group.view.liveMembers(node.now())));
        members.addAll(recruits);
        // Under adaptive replication a recruit takes this node's own estimate as its floor, not the floor this node
        // inherited: a floor passed on from recruit to recruit would keep a group raised long after the churn ended.
        int offered = node.config.adaptive() ? targetReplication() : target;
        byte[] payload = new Store(group.stamp, offered, members, data.get()).encode();
        // As long as the node's stores take lately: a loaded network answers in seconds, and giving up on the proof
        // after the configured timeout recruits again for a copy that is in place. Only answers teach the estimate
        // here: a repair's timeout is most often a dead recruit, which says nothing about how busy the network is.
        long timeoutMs = node.storeTimeouts.timeoutMs() + node.loopLag.allowanceMs();
        for (PeerAddress recruit : recruits) {
            table.learn(recruit);
            group.recruiting.put(recruit.id(), node.now());
            long sentAtMs = node.now();
            recruitsInFlight++;
            node.request(recruit, PeerContentGroups.STORE_ROUTE, payload, timeoutMs).whenComplete((reply, error) -> {
                recruitsInFlight--;
                if (error == null) {
                    node.storeTimeouts.answered(node.now() - sentAtMs);
                }
                StoreReply answer = error == null ? decodeStoreReply(recruit, reply) : null;
                if (answer != null && answer.status() == StoreStatus.STORED && tombstones.tellIfDeleted(group, recruit)) {
                    group.recruiting.remove(recruit.id());
                    return;
                }
                if (answer != null && answer.status() == StoreStatus.STORED) {
                    proofs.check(recruit, group.block(), data.get(), timeoutMs).thenAccept(proved -> joined(group, recruit, proved));
                    return;
                }
                group.recruiting.remove(recruit.id());
                if (answer != null && answer.status() == StoreStatus.DELETED && answer.tombstone() != null) {
                    tombstones.apply(answer.tombstone(), null);
                    return;
                } else if (answer != null && answer.status() == StoreStatus.FULL) {
                    placement.declined(recruit.id());
                } else {
                    placement.failed(recruit.id());
                }
                maintain(group);
            });
        }
    }

    /** A recruit said it stored the block: it counts as a member only if it also {@code proved} it kept it. */
    private void joined(Group group, PeerAddress recruit, boolean proved) {
        group.recruiting.remove(recruit.id());
        if (proved) {
            group.view.heard(recruit.id(), node.now());
            group.dirty = true;
            log.debug("{}: recruited {} into the group of {}", node.self.shortForm(), recruit.id().shortForm(), group.block());
        } else {
            log.debug("{}: {} said it stored {} but did not prove it", node.self.shortForm(), recruit.id().shortForm(), group.block());
            placement.failed(recruit.id());
        }
        maintain(group);
    }

    private void trim(Group group, PeerId surplus) {
        PeerAddress address = table.address(surplus);
        if (address == null) {
            return;
        }
        group.trimming.add(surplus);
        byte[] payload = new Trim(group.block(), table.addressesOf(group.view.liveMembers(node.now()))).encode();
        node.request(address, PeerContentGroups.TRIM_ROUTE, payload).whenComplete((reply, error) -> {
            group.trimming.remove(surplus);
            if (error == null && reply.payload().length == 1
                && (reply.payload()[0] == PcgMessages.DROPPED || reply.payload()[0] == PcgMessages.NOT_HELD)) {
                group.view.forget(surplus);
                group.dirty = true;
                maintain(group);
            }
        });
    }

    /** This member's copy is gone (corrupt on disk): fetches it again from the group and keeps serving. */
    void restoreCopy(Group group) {
        reads.lookup(group.block(), group).whenComplete((found, error) -> {
            if (found != null && table.get(group.block()) == group) {
                node.store.put(group.block(), found.data()).whenComplete((taken, failure) -> {
                    if (failure != null || !taken) {
                        log.warn("{}: could not write the copy of {} fetched again: {}", node.self.shortForm(), group.block(),
                            failure == null ? "no room" : PcgNode.unwrap(failure).toString());
                    }
                });
            }
        });
    }

    /**
     * The replication {@code group} aims at: this node's {@link #targetReplication()}, and at least the {@code r} the
     * group was created with while that holds ({@link #FLOOR_HOLD_MS} after joining; for good if not adaptive), so that
     * a group raised under churn comes back down to {@code r} once its members see calm.
     */
    int targetFor(Group group, long nowMs) {
        boolean floorHolds = !node.config.adaptive() || nowMs - group.joinedMs < FLOOR_HOLD_MS;
        return Math.max(floorHolds ? group.replication : node.config.replication(), targetReplication());
    }

    /** The replication factor for new and repaired groups: {@code r}, raised under observed churn if adaptive. */
    int targetReplication() {
        PcgConfig config = node.config;
        if (!config.adaptive()) {
            return config.replication();
        }
        double ratePerMs = churn.lossRatePerMemberMs();
        if (ratePerMs <= 0) {
            return config.replication();
        }
        double repairMs = config.memberTimeoutMs() + config.requestTimeoutMs();
        double memberLoss = 1 - Math.exp(-ratePerMs * repairMs);
        double windowsPerDay = DAY_MS / repairMs;
        for (int r = config.replication(); r < config.maxReplication(); r++) {
            if (windowsPerDay * Math.pow(memberLoss, r) <= config.targetLossPerDay()) {
                return r;
            }
        }
        return config.maxReplication();
    }

    StoreReply decodeStoreReply(PeerAddress from, Reply reply) {
        try {
            return StoreReply.decode(reply.payload());
        } catch (WireFormatException e) {
            log.debug("{}: bad store reply from {}: {}", node.self.shortForm(), from, e.getMessage());
            return null;
        }
    }

    /**
     * How fast members of this node's groups disappear: losses over member-time observed, smoothed over the last
     * few minutes, for adaptive replication.
     *
     * <p><b>Unknown is not calm.</b> The estimate starts as if one loss had just been seen ({@link #PRIOR_LOSSES}),
     * so a node that has watched no members yet aims at the largest group, and comes down to {@code r} only once its
     * partners stayed up long enough to show calm (about five minutes with a handful of partners). Starting from
     * zero instead, content stored just before churn began kept {@code r} members until its own members saw a
     * loss: in the seed's experiment (silent deaths at 1/50, seed 5) two members of a new group died silently at
     * once 7 s into churn and the third a second later, before any beat could have found the first two, and no node
     * of that group had yet seen a death to raise it.
     */
    private static final class ChurnEstimate {
        static final long HALF_LIFE_MS = 60_000;
        /** The loss a node assumes before it has watched any member: churn is unknown, not absent. */
        static final double PRIOR_LOSSES = 1;
        private double losses = PRIOR_LOSSES;
        private double memberMs;
        private long lastMs = -1;

        void lost(int members) {
            losses += members;
        }

        void observe(long nowMs, int members) {
            if (lastMs >= 0) {
                long elapsed = nowMs - lastMs;
                double decay = Math.pow(0.5, (double) elapsed / HALF_LIFE_MS);
                losses *= decay;
                memberMs = memberMs * decay + (double) members * elapsed;
            }
            lastMs = nowMs;
        }

        /** Losses per member and millisecond; infinite while a loss is counted but no member time watched yet. */
        double lossRatePerMemberMs() {
            if (memberMs < 1) {
                return losses > 0 ? Double.POSITIVE_INFINITY : 0;
            }
            return losses / memberMs;
        }
    }
}
