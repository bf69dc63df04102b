package network.butter.persist;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import network.butter.identity.PeerId;
import network.butter.persist.PcgMessages.FetchReply;
import network.butter.persist.PcgMessages.FetchStatus;
import network.butter.store.ContentId;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit reads by members. A member can prove to its partners that it holds a block ({@link Possession}) and still
 * refuse every reader: answer "absent", or "gone" with a tombstone the owner never signed. Such members never leave a
 * group on their own, while honest members die and are replaced by recruits, so over churn a group drifts towards
 * them until no member serves the block. So a member now and then reads a shared block from a partner exactly as a
 * reader does (the fetch route), and a partner that does not send it stops counting: "absent" bars it from that
 * group like a missed proof (it comes back only by sending the block when asked, {@link Claims}); a "gone" whose
 * tombstone does not delete the group's block is a forgery no honest node sends, and bars it from every group this
 * node shares with it as a liar. A genuine tombstone is applied. A timeout proves nothing and changes nothing (the
 * heartbeats and the failure detector deal with silence).
 *
 * <p>Cost, bounded: each partner is audited at most once per {@link #AUDIT_EVERY_ROUNDS} rounds (the next round
 * again after a refusal, for its other groups), at most {@link #MAX_AUDITS_PER_ROUND} audits a round, one block
 * and its reply each. A partner is first audited that many rounds after it became one: under churn most partners are
 * new, and each has just shown the block, to the member that stored it there or by a claim this node checked; the
 * members that stay (an attacker's) are audited all the same.
 */
final class Audits {

    private static final Logger log = LoggerFactory.getLogger(Audits.class);
    /** Rounds between two audits of one partner, and before the first audit of a new one. */
    static final int AUDIT_EVERY_ROUNDS = 8;
    /** Audits one node starts per round at most. */
    static final int MAX_AUDITS_PER_ROUND = 2;

    private final PcgNode node;
    private final GroupTable table;
    private final Tombstones tombstones;
    private final Repair repair;
    private final Map<PeerId, Long> dueAtMs = new HashMap<>();
    private long audits;

    Audits(PcgNode node, GroupTable table, Tombstones tombstones, Repair repair) {
        this.node = node;
        this.table = table;
        this.tombstones = tombstones;
        this.repair = repair;
    }

    /** Once a round: audits the partners that are due, at most {@link #MAX_AUDITS_PER_ROUND}. */
    void round(Map<PeerId, Set<ContentId>> partners) {
        long now = node.now();
        dueAtMs.keySet().retainAll(partners.keySet());
        long periodMs = AUDIT_EVERY_ROUNDS * node.config.heartbeatIntervalMs();
        List<PeerId> due = new ArrayList<>();
        partners.keySet().forEach(peer -> {
            // A new partner is first audited a period on: it just proved the block by storing or serving it.
            if (!peer.equals(node.self) && dueAtMs.computeIfAbsent(peer, p -> now + periodMs) <= now) {
                due.add(peer);
            }
        });
        // Longest overdue first; no draw on the node's random stream, so audits leave a seeded run's other choices be.
        due.sort(java.util.Comparator.comparingLong((PeerId peer) -> dueAtMs.getOrDefault(peer, 0L)));
        for (PeerId peer : due.subList(0, Math.min(MAX_AUDITS_PER_ROUND, due.size()))) {
            List<Group> shared = new ArrayList<>();
            for (ContentId block : partners.get(peer)) {
                Group group = table.get(block);
                if (group != null && group.view.isLive(peer, now)) {
                    shared.add(group);
                }
            }
            if (!shared.isEmpty() && table.address(peer) != null) {
                dueAtMs.put(peer, now + periodMs);
                audit(peer, shared.get((int) (audits++ % shared.size())));
            }
        }
    }

    private void audit(PeerId peer, Group group) {
        node.request(table.address(peer), PeerContentGroups.FETCH_ROUTE, group.block().toBytes()).whenComplete((reply, error) -> {
            if (error != null || node.stopped || table.get(group.block()) != group) {
                return;
            }
            try {
                judge(peer, group, FetchReply.decode(reply.payload()));
            } catch (WireFormatException e) {
                log.debug("{}: bad answer to an audit from {}: {}", node.self.shortForm(), peer.shortForm(), e.getMessage());
                refused(peer, group, true);
            }
        });
    }

    private void judge(PeerId peer, Group group, FetchReply answer) {
        if (answer.status() == FetchStatus.FOUND && answer.stamp().block().equals(group.block())
            && group.isBlock(answer.stamp(), answer.data())) {
            return;
        }
        if (answer.status() == FetchStatus.GONE && answer.tombstone().covers(group.stamp) && answer.tombstone().valid()) {
            tombstones.apply(answer.tombstone(), peer);
            return;
        }
        log.info("{}: member {} answered {} to an audit read of {}", node.self.shortForm(), peer.shortForm(),
            answer.status(), group.block());
        refused(peer, group, answer.status() != FetchStatus.ABSENT);
    }

    /** {@code peer} did not serve {@code group}'s block; a liar loses every group this node shares with it. */
    private void refused(PeerId peer, Group group, boolean lied) {
        long now = node.now();
        long barUntilMs = now + Upkeep.BAR_TIMEOUTS * node.config.memberTimeoutMs();
        dueAtMs.put(peer, now);
        List<Group> groups = lied ? List.copyOf(table.groups.values()) : List.of(group);
        for (Group each : groups) {
            if (each.view.knows(peer)) {
                each.view.forget(peer);
                each.bar(peer, barUntilMs, lied);
                each.dirty = true;
                repair.maintain(each);
            }
        }
    }
}
