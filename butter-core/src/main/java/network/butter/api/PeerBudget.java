package network.butter.api;

/**
 * How much work one peer may make this node do on the node loop: the rate at which it may call each built-in
 * protocol route, and how many peers the node keeps that account for. A peer over its budget on a route gets a
 * {@code RATE_LIMITED} failure for the requests over it (the caller sees a {@link RateLimitedException}) and the
 * node keeps serving everyone else. Build one from the memory budget with {@link #forMemoryBudget(long)}.
 *
 * <p>Each (peer, route) pair has a token bucket of {@code routeBurstRequests} tokens that refills at
 * {@code routeRequestsPerSecond} on the node loop's clock; a request takes one token. Application routes are not
 * rate-limited here: their handlers run off the loop under the in-flight and handler limits of {@link Limits},
 * which protocol routes now share.
 *
 * @param routeRequestsPerSecond sustained requests per second one peer may make on one protocol route
 * @param routeBurstRequests     requests one peer may make at once on one protocol route after being quiet
 * @param maxTrackedPeers        peers whose buckets are kept; beyond it the least recently active peer's state
 *                               is dropped, so the accounting itself stays bounded
 */
public record PeerBudget(int routeRequestsPerSecond, int routeBurstRequests, int maxTrackedPeers) {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    /** Checks every value is usable. */
    public PeerBudget {
        requirePositive("routeRequestsPerSecond", routeRequestsPerSecond);
        requirePositive("routeBurstRequests", routeBurstRequests);
        requirePositive("maxTrackedPeers", maxTrackedPeers);
    }

    /**
     * Derives the budget from how much memory the operator grants the node, taking the memory budget as the
     * measure of the machine:
     *
     * <ul>
     *   <li>one peer may call one protocol route 1 time per second per MiB of budget (64 to 8,192; 512 at the
     *       default 512 MiB), in bursts of the same number but at least 128, twice a sender's default in-flight
     *       window, so that a peer flushing its window never trips it. With the default 256 KiB chunks that is
     *       128 MiB/s of fetches from one peer; honest testbed traffic peaks at 10 requests per second per peer
     *       and route (see docs/ARCHITECTURE.md);</li>
     *   <li>a tracked peer costs at most about 1.5 KiB (a bucket per protocol route); the accounting may use a
     *       512th of the budget, hence one tracked peer per 512 KiB (64 to 65,536; 1,024 at 512 MiB), several
     *       times the connection limit so that a connected peer's state is not dropped in normal operation.</li>
     * </ul>
     *
     * @param budgetBytes the memory budget, at least 16 MiB
     */
    public static PeerBudget forMemoryBudget(long budgetBytes) {
        if (budgetBytes < 16 * MIB) {
            throw new IllegalArgumentException(
                "a node needs a memory budget of at least 16 MiB, got " + budgetBytes + " bytes");
        }
        int rate = (int) clamp(budgetBytes / MIB, 64, 8192);
        int tracked = (int) clamp(budgetBytes / (512 * KIB), 64, 65_536);
        return new PeerBudget(rate, Math.max(128, rate), tracked);
    }

    /** The budget for {@link Limits#DEFAULT_MEMORY_BUDGET_BYTES}. */
    public static PeerBudget defaults() {
        return forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES);
    }

    /** A copy with another sustained rate per peer and protocol route. */
    public PeerBudget withRouteRequestsPerSecond(int value) {
        return new PeerBudget(value, routeBurstRequests, maxTrackedPeers);
    }

    /** A copy with another burst per peer and protocol route. */
    public PeerBudget withRouteBurstRequests(int value) {
        return new PeerBudget(routeRequestsPerSecond, value, maxTrackedPeers);
    }

    /** A copy with another number of tracked peers. */
    public PeerBudget withMaxTrackedPeers(int value) {
        return new PeerBudget(routeRequestsPerSecond, routeBurstRequests, value);
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }
}
