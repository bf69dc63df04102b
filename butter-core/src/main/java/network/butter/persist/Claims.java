package network.butter.persist;

import java.util.HashMap;
import java.util.Map;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.persist.PcgMessages.FetchReply;
import network.butter.persist.PcgMessages.FetchStatus;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims of membership from peers this node does not count as members: a member that restarted and lost its place,
 * or a stranger that says it holds a block. Saying so is not enough: this node fetches the block from the claimant,
 * and admits it as a live member only if it sends back the block itself, verified against its id and owner. A
 * claimant so pays with the block's bytes for every group it enters, which is what a real replica pays anyway.
 * Bounded: at most {@link #MAX_PER_PEER} checks in flight per claimant and {@link #MAX_IN_FLIGHT} in all; claims
 * beyond are ignored (an honest member's next beat claims again).
 */
final class Claims {

    private static final Logger log = LoggerFactory.getLogger(Claims.class);
    static final int MAX_PER_PEER = 2;
    static final int MAX_IN_FLIGHT = 16;

    private final PcgNode node;
    private final GroupTable table;
    private final Repair repair;
    private final Map<PeerId, Integer> inFlightByPeer = new HashMap<>();
    private int inFlight;

    Claims(PcgNode node, GroupTable table, Repair repair) {
        this.node = node;
        this.table = table;
        this.repair = repair;
    }

    /** {@code claimant} says it holds {@code group}'s block: checks it, and admits it if it does. */
    void verify(Group group, PeerAddress claimant) {
        PeerId peer = claimant.id();
        if (group.isBarred(peer, node.now()) || inFlight >= MAX_IN_FLIGHT || inFlightByPeer.getOrDefault(peer, 0) >= MAX_PER_PEER
            || !group.verifying.add(peer)) {
            return;
        }
        inFlight++;
        inFlightByPeer.merge(peer, 1, Integer::sum);
        node.request(claimant, PeerContentGroups.FETCH_ROUTE, group.block().toBytes()).whenComplete((reply, error) -> {
            inFlight--;
            inFlightByPeer.computeIfPresent(peer, (p, n) -> n > 1 ? n - 1 : null);
            group.verifying.remove(peer);
            if (error != null || node.stopped || table.get(group.block()) != group) {
                return;
            }
            try {
                FetchReply answer = FetchReply.decode(reply.payload());
                if (answer.status() == FetchStatus.FOUND && answer.stamp().block().equals(group.block())
                    && group.isBlock(answer.stamp(), answer.data())) {
                    group.unbar(peer);
                    if (!group.view.heard(peer, node.now())) {
                        return;
                    }
                    table.learn(claimant);
                    group.dirty = true;
                    repair.maintain(group);
                }
            } catch (WireFormatException e) {
                log.debug("{}: bad answer from claimant {}: {}", node.self.shortForm(), claimant, e.getMessage());
            }
        });
    }
}
