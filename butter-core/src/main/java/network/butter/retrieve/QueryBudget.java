package network.butter.retrieve;

import java.util.LinkedHashMap;
import java.util.Map;
import network.butter.identity.PeerId;

/**
 * Token buckets, one per peer, on the node loop's clock: how many more queries this node handles for each peer
 * (see {@link QueryLimits}). At most {@code maxTrackedPeers} buckets are kept; the least recently used is
 * forgotten first, which can only hand that peer a fresh burst, never take budget from another peer.
 */
final class QueryBudget {

    private final double perMs;
    private final int burst;
    private final int maxPeers;
    private final Map<PeerId, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long atMs;

        Bucket(double tokens, long atMs) {
            this.tokens = tokens;
            this.atMs = atMs;
        }
    }

    QueryBudget(QueryLimits limits) {
        this.perMs = limits.queriesPerSecond() / 1000.0;
        this.burst = limits.queryBurst();
        this.maxPeers = limits.maxTrackedPeers();
        this.buckets = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Whether {@code peer} has a query left at {@code nowMs}; takes it if so. */
    boolean take(PeerId peer, long nowMs) {
        Bucket bucket = buckets.get(peer);
        if (bucket == null) {
            if (buckets.size() >= maxPeers) {
                buckets.remove(buckets.keySet().iterator().next());
            }
            bucket = new Bucket(burst, nowMs);
            buckets.put(peer, bucket);
        }
        bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, nowMs - bucket.atMs) * perMs);
        bucket.atMs = nowMs;
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens--;
        return true;
    }

    /** Peers whose budgets are remembered now. */
    int tracked() {
        return buckets.size();
    }
}
