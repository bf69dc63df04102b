package network.butter.persist;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;

/**
 * Heartbeat scheduling for Peer Content Groups. Beats are batched per peer pair: a node sends each peer it shares
 * groups with one beat listing all the shared blocks, so the cost grows with peers, not with groups. Beats come
 * with random "palpitations" (a jitter around the interval) so nodes that started together do not beat in step.
 */
public final class Heartbeats {

    private Heartbeats() {
    }

    /**
     * Which blocks to name in the beat to each peer: for every group, every other known member gets the block.
     *
     * @return peer → the blocks this node shares with it, peers and blocks in a stable order
     */
    public static Map<PeerId, List<ContentId>> batches(Collection<GroupView> groups) {
        Map<PeerId, java.util.TreeSet<ContentId>> byPeer = new TreeMap<>();
        for (GroupView group : groups) {
            for (PeerId member : group.knownMembers()) {
                byPeer.computeIfAbsent(member, m -> new java.util.TreeSet<>()).add(group.block());
            }
        }
        Map<PeerId, List<ContentId>> batches = new TreeMap<>();
        byPeer.forEach((peer, blocks) -> batches.put(peer, List.copyOf(blocks)));
        return batches;
    }

    /**
     * The delay before the next beat: the interval, shifted by a uniform random "palpitation" of up to
     * {@code jitter} of it either way.
     *
     * @param intervalMs the mean interval, in milliseconds
     * @param jitter     the largest relative shift, 0 to 1 (e.g. 0.25 gives 75 %–125 % of the interval)
     */
    public static long nextBeatDelayMs(long intervalMs, double jitter, RandomGenerator random) {
        if (intervalMs < 1 || jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("need intervalMs >= 1 and 0 <= jitter <= 1, got " + intervalMs + ", " + jitter);
        }
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        return Math.max(1, Math.round(intervalMs * factor));
    }
}
