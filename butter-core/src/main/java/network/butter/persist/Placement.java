package network.butter.persist;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import network.butter.hosts.HostClass;
import network.butter.hosts.KnownHost;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;

/**
 * Placement: which known hosts to ask to hold a block. Candidates are known hosts outside the group with room for
 * the block that neither failed nor declined lately, nor are barred from the group (a failed proof or audit). Score: uptime (saturating at an hour), a partner already
 * beating with this node and heard from within the last heartbeat interval (no new exchange, and not one that may
 * have died silently since its last beat), a host that answered a poll lately, and a subnet no member is on; a small
 * random term breaks ties.
 */
final class Placement {

    /**
     * Weight of how lately a candidate answered a poll (or polled this node), falling to nothing at the longest poll
     * interval: known hosts are polled rarely once stable, so a host that died silently a moment ago is still
     * listed, and the one heard from last is the likelier to be alive.
     */
    static final double FRESHNESS_WEIGHT = 0.5;

    private final PcgNode node;
    private GroupTable table;
    private java.util.function.Predicate<PeerId> heardLately = peer -> false;
    private final Map<PeerId, Long> failedAtMs = new HashMap<>();
    private final Map<PeerId, Long> declinedAtMs = new HashMap<>();

    Placement(PcgNode node) {
        this.node = node;
    }

    /** Completes construction: placement and membership need each other. */
    void use(GroupTable groupTable) {
        this.table = groupTable;
    }

    /** {@code peer} failed or refused: not a candidate until the member timeout passes. */
    void failed(PeerId peer) {
        failedAtMs.put(peer, node.now());
    }

    boolean failedLately(PeerId peer) {
        return failedAtMs.containsKey(peer);
    }

    /** {@code peer} said it is full: not a candidate for ten heartbeat intervals. */
    void declined(PeerId peer) {
        declinedAtMs.put(peer, node.now());
    }

    /** Forgets failures and refusals that are old enough (once a round). */
    void expire(long nowMs) {
        failedAtMs.values().removeIf(at -> nowMs - at > node.config.memberTimeoutMs());
        declinedAtMs.values().removeIf(at -> nowMs - at > 10 * node.config.heartbeatIntervalMs());
    }

    /**
     * Completes construction: how to tell a partner heard from lately (a fresh exchange) from one that may have
     * gone silent since its last beat.
     */
    void useHeard(java.util.function.Predicate<PeerId> heardLately) {
        this.heardLately = heardLately;
    }

    /** Up to {@code wanted} candidates for {@code group}, best first. */
    List<PeerAddress> candidates(Group group, int wanted) {
        if (wanted <= 0) {
            return List.of();
        }
        Set<String> memberSubnets = new HashSet<>();
        for (PeerId member : group.view.knownMembers()) {
            PeerAddress address = table.address(member);
            if (address != null) {
                memberSubnets.add(HostClass.subnetOf(address.host()));
            }
        }
        Set<PeerId> partners = table.partners().keySet();
        long longestPollMs = node.knownHosts.config().maxPollIntervalMs();
        record Scored(PeerAddress address, double score) {
        }
        List<Scored> scored = new ArrayList<>();
        for (KnownHost host : node.knownHosts.hosts()) {
            PeerId id = host.address().id();
            if (id.equals(node.self) || group.view.knows(id) || group.recruiting.containsKey(id) || failedAtMs.containsKey(id)
                || group.isStoreBarred(id, node.now())
                || declinedAtMs.containsKey(id) || host.quality().storageAvailableBytes() < group.sizeBytes) {
                continue;
            }
            double score = Math.min(1.0, host.quality().uptimeMs() / 3_600_000.0)
                + (partners.contains(id) && heardLately.test(id) ? 0.5 : 0)
                + FRESHNESS_WEIGHT * Math.max(0, 1 - (double) (node.now() - host.lastSeenMs()) / longestPollMs)
                + (memberSubnets.contains(host.subnet()) ? 0 : 0.5)
                + 0.25 * node.context.random().nextDouble();
            scored.add(new Scored(host.address(), score));
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed());
        List<PeerAddress> best = new ArrayList<>();
        for (int i = 0; i < Math.min(wanted, scored.size()); i++) {
            best.add(scored.get(i).address());
        }
        return best;
    }
}
