package network.butter.runtime;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import network.butter.api.PeerBudget;
import network.butter.identity.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets per (peer, protocol route) on the node loop's clock, so that one peer cannot make the loop do
 * unbounded work per second. Used on the loop only.
 *
 * <p>Tokens are counted in thousandths so that a refill of {@code rate} tokens per second is a whole number per
 * millisecond. State is kept for at most {@link PeerBudget#maxTrackedPeers()} peers, least recently active dropped
 * first; a dropped peer that comes back starts with full buckets, which is where an idle peer's buckets would
 * be anyway. For the same reason a peer whose buckets have all refilled (and that was not refused since) is
 * forgotten at the next sweep: a fresh entry would decide exactly as its entry would. The sweep runs when the
 * tracked peers reach twice their number after the last sweep (at least {@value #MIN_SWEEP_PEERS}), so it costs
 * O(1) per request amortised, and a node that talks with hundreds of peers a few times a minute keeps state for
 * the few active in the last second or two instead of for all of them.
 */
final class RouteRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RouteRateLimiter.class);

    private static final long MILLI = 1000;
    private static final int MIN_SWEEP_PEERS = 16;

    private final PeerBudget budget;
    private final Map<PeerId, Map<String, Bucket>> peers;
    private int sweepAtPeers = MIN_SWEEP_PEERS;

    RouteRateLimiter(PeerBudget budget) {
        this.budget = budget;
        this.peers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerId, Map<String, Bucket>> eldest) {
                return size() > budget.maxTrackedPeers();
            }
        };
    }

    /** The budget enforced. */
    PeerBudget budget() {
        return budget;
    }

    /** How many peers have state here; never more than {@link PeerBudget#maxTrackedPeers()}. */
    int trackedPeers() {
        return peers.size();
    }

    /**
     * Takes a token for one request, if there is one.
     *
     * @return 0 if the request is admitted, otherwise the milliseconds until the bucket admits one again
     */
    long acquire(PeerId peer, String route, long nowMs) {
        if (peers.size() >= sweepAtPeers) {
            forgetRefilled(nowMs);
        }
        Map<String, Bucket> buckets = peers.computeIfAbsent(peer, id -> new HashMap<>());
        Bucket bucket = buckets.get(route);
        if (bucket == null) { // not computeIfAbsent: its lambda would capture nowMs, one allocation per request
            bucket = new Bucket(budget.routeBurstRequests() * MILLI, nowMs);
            buckets.put(route, bucket);
        }
        long rate = budget.routeRequestsPerSecond();
        long elapsedMs = Math.max(0, nowMs - bucket.lastMs);
        bucket.milliTokens = Math.min(budget.routeBurstRequests() * MILLI,
            bucket.milliTokens + Math.min(elapsedMs, Integer.MAX_VALUE) * rate);
        bucket.lastMs = nowMs;
        if (bucket.milliTokens >= MILLI) {
            bucket.milliTokens -= MILLI;
            if (bucket.refused > 0) {
                log.debug("peer {} is back within its budget on '{}' after {} refused requests",
                    peer.shortForm(), route, bucket.refused);
                bucket.refused = 0;
            }
            return 0;
        }
        if (bucket.refused++ == 0) {
            log.info("peer {} exceeded its budget of {} requests/s (burst {}) on '{}'; refusing the excess",
                peer.shortForm(), rate, budget.routeBurstRequests(), route);
        }
        return Math.max(1, (MILLI - bucket.milliTokens + rate - 1) / rate);
    }

    /** Drops every peer whose buckets would all be full now and that has no refusal on record. */
    private void forgetRefilled(long nowMs) {
        long full = budget.routeBurstRequests() * MILLI;
        peers.values().removeIf(buckets -> {
            for (Bucket bucket : buckets.values()) {
                long elapsedMs = Math.min(Math.max(0, nowMs - bucket.lastMs), Integer.MAX_VALUE);
                if (bucket.refused > 0 || bucket.milliTokens + elapsedMs * budget.routeRequestsPerSecond() < full) {
                    return false;
                }
            }
            return true;
        });
        sweepAtPeers = Math.max(MIN_SWEEP_PEERS, 2 * peers.size());
    }

    private static final class Bucket {
        long milliTokens;
        long lastMs;
        long refused;

        Bucket(long milliTokens, long lastMs) {
            this.milliTokens = milliTokens;
            this.lastMs = lastMs;
        }
    }
}
