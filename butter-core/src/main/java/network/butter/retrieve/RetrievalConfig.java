package network.butter.retrieve;

import java.util.Objects;

/**
 * Settings of {@link Retrieval}.
 *
 * @param defaultStrategy   the strategy of searches that name none ({@link Informed} with TTL 10 and 2 walkers)
 * @param summaryBits       size of the content summaries, a power of two (default 65,536 bits: 8 KiB when full;
 *                          a neighbourhood of 60 hosts holding 100 blocks each is then wrong about 1.3 % of the time)
 * @param summaryIntervalMs how often changed summaries are sent to subscribers and subscriptions checked
 * @param summaryRefreshMs  how often a subscription to each known host is renewed even if nothing was heard, which
 *                          also repairs a summary lost with a restarted or unreachable peer
 * @param searchTimeoutMs   how long a search round waits for hits after its query went out (a round that found
 *                          nobody is followed by a wider one, up to three rounds, see {@link SearchStrategy#nextRound()})
 * @param maxSeenQueries    query ids remembered to handle each query once
 * @param maxSearches       searches this node may run at once
 * @param maxSubscribers    peers that may subscribe to this node's summaries
 * @param maxSubscriptions  known hosts this node subscribes to (default 16): their summaries steer its searches, and
 *                          their neighbourhood filters reach two hops; every subscription costs renewals and pushes,
 *                          so a node with 64 known hosts subscribing to all paid four times the summary traffic for a
 *                          view that, two hops out, covers no more of a network of a hundred
 * @param queryLimits       what one query and one peer's queries may cost this node and the network
 */
public record RetrievalConfig(SearchStrategy defaultStrategy, int summaryBits, long summaryIntervalMs,
                              long summaryRefreshMs, long searchTimeoutMs, int maxSeenQueries, int maxSearches,
                              int maxSubscribers, int maxSubscriptions, QueryLimits queryLimits) {

    /** Checks every setting. */
    public RetrievalConfig {
        Objects.requireNonNull(defaultStrategy, "defaultStrategy");
        Objects.requireNonNull(queryLimits, "queryLimits");
        BloomFilter.empty(summaryBits);
        if (summaryIntervalMs < 1 || summaryRefreshMs < summaryIntervalMs || searchTimeoutMs < 1 || maxSeenQueries < 1
            || maxSearches < 1 || maxSubscribers < 1 || maxSubscriptions < 1) {
            throw new IllegalArgumentException("bad retrieval settings: summary interval " + summaryIntervalMs
                + " ms, refresh " + summaryRefreshMs + " ms (not below the interval), search timeout " + searchTimeoutMs
                + " ms, seen queries " + maxSeenQueries + ", searches " + maxSearches + ", subscribers " + maxSubscribers + ", subscriptions " + maxSubscriptions);
        }
    }

    /** The defaults. */
    public static RetrievalConfig defaults() {
        return new RetrievalConfig(SearchStrategy.informed(10, 2), 1 << 16, 10_000, 120_000, 3_000, 16_384, 1_024, 512,
            16, QueryLimits.defaults());
    }

    /** A copy with another default strategy. */
    public RetrievalConfig withDefaultStrategy(SearchStrategy value) {
        return new RetrievalConfig(value, summaryBits, summaryIntervalMs, summaryRefreshMs, searchTimeoutMs,
            maxSeenQueries, maxSearches, maxSubscribers, maxSubscriptions, queryLimits);
    }

    /** A copy with another summary size and exchange timing. */
    public RetrievalConfig withSummaries(int bits, long intervalMs, long refreshMs) {
        return new RetrievalConfig(defaultStrategy, bits, intervalMs, refreshMs, searchTimeoutMs, maxSeenQueries,
            maxSearches, maxSubscribers, maxSubscriptions, queryLimits);
    }

    /** A copy with another search timeout. */
    public RetrievalConfig withSearchTimeoutMs(long value) {
        return new RetrievalConfig(defaultStrategy, summaryBits, summaryIntervalMs, summaryRefreshMs, value,
            maxSeenQueries, maxSearches, maxSubscribers, maxSubscriptions, queryLimits);
    }

    /** A copy with other query limits. */
    public RetrievalConfig withQueryLimits(QueryLimits value) {
        return new RetrievalConfig(defaultStrategy, summaryBits, summaryIntervalMs, summaryRefreshMs, searchTimeoutMs,
            maxSeenQueries, maxSearches, maxSubscribers, maxSubscriptions, value);
    }

    /** A copy running at most {@code value} searches at once. */
    public RetrievalConfig withMaxSearches(int value) {
        return new RetrievalConfig(defaultStrategy, summaryBits, summaryIntervalMs, summaryRefreshMs, searchTimeoutMs,
            maxSeenQueries, value, maxSubscribers, maxSubscriptions, queryLimits);
    }

    /** A copy subscribing to at most {@code value} known hosts' summaries. */
    public RetrievalConfig withMaxSubscriptions(int value) {
        return new RetrievalConfig(defaultStrategy, summaryBits, summaryIntervalMs, summaryRefreshMs, searchTimeoutMs,
            maxSeenQueries, maxSearches, maxSubscribers, value, queryLimits);
    }
}
