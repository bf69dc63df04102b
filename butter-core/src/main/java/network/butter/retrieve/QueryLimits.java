package network.butter.retrieve;

/**
 * What one query, and one peer's queries, may cost the nodes that forward them: the bounds that keep a hostile or
 * buggy requester from flooding the network through {@link Retrieval}.
 *
 * <p>A flood's cost grows as (fan-out)<sup>TTL</sup>, so a node honours at most {@code maxFloodTtl} hops of a query it
 * forwards to more than one peer (with the default 60 known hosts, three hops already reach every node of a
 * network of thousands), and sends any query on to at most {@code maxFanOut} peers. A walker, which goes to a single
 * peer per hop, costs one message per hop and keeps the TTL the wire allows ({@link SearchQuery#MAX_TTL}). Each peer
 * that hands this node a query, and each requester named in a query another peer forwarded, has a token bucket of {@code queryBurst} queries
 * refilled at {@code queriesPerSecond} on the loop clock; a query over either budget is dropped and counted.
 *
 * @param maxFloodTtl      most hops this node lets a flooding query still travel (default 3)
 * @param maxFanOut        most peers this node forwards one query to (default 64, above the default 60 known hosts)
 * @param queriesPerSecond sustained queries this node handles from one peer, and for one requester (default 50)
 * @param queryBurst       queries one peer or requester may send at once after a quiet spell (default 100)
 * @param maxTrackedPeers  peers (and requesters) whose budgets are remembered; the least recently heard is
 *                         forgotten first (default 1,024)
 */
public record QueryLimits(int maxFloodTtl, int maxFanOut, double queriesPerSecond, int queryBurst,
                          int maxTrackedPeers) {

    /** Checks every bound. */
    public QueryLimits {
        if (maxFloodTtl < 1 || maxFloodTtl > SearchQuery.MAX_TTL || maxFanOut < 1 || !(queriesPerSecond > 0)
            || queryBurst < 1 || maxTrackedPeers < 1) {
            throw new IllegalArgumentException("bad query limits: flood TTL " + maxFloodTtl + " (1.." + SearchQuery.MAX_TTL
                + "), fan-out " + maxFanOut + ", " + queriesPerSecond + " queries/s, burst " + queryBurst
                + ", tracked peers " + maxTrackedPeers);
        }
    }

    /** The defaults. */
    public static QueryLimits defaults() {
        return new QueryLimits(3, 64, 50, 100, 1_024);
    }

    /** A copy with another per-peer budget. */
    public QueryLimits withBudget(double perSecond, int burst) {
        return new QueryLimits(maxFloodTtl, maxFanOut, perSecond, burst, maxTrackedPeers);
    }

    /** A copy with another fan-out cap. */
    public QueryLimits withFanOut(int value) {
        return new QueryLimits(maxFloodTtl, value, queriesPerSecond, queryBurst, maxTrackedPeers);
    }
}
