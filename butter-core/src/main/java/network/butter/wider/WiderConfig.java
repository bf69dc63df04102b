package network.butter.wider;

import java.util.Objects;

/**
 * How a node takes part in the wider network: reachability checks, ambassador role, relays and hole punching.
 *
 * @param ambassador             whether this node serves as an ambassador
 * @param relay                  whether this node uses relays when private and serves circuits when an ambassador
 *                               ({@code --no-relay} turns both off)
 * @param minCheckIntervalMs     the soonest a reachability check follows the last one, in milliseconds; also the
 *                               interval right after a change
 * @param maxCheckIntervalMs     the longest interval between checks, reached by doubling while nothing changes
 * @param peersPerCheck          peers asked to dial back in one check (from distinct subnets where possible)
 * @param minAnswers             answers a check needs before it concludes anything (at least 3)
 * @param maxCandidates          candidate addresses in one dial-back request, asked and accepted
 * @param dialbackPerPeerMs      how often one peer may ask this node to dial back, in milliseconds
 * @param dialbacksPerSecond     dial-back requests this node serves per second, all peers together
 * @param maxConcurrentProbes    probes this node runs at once for dial-back requests
 * @param requestTimeoutMs       how long this node waits for a dial-back, reservation or punch answer
 * @param reservations           reservations a private node keeps on distinct ambassadors
 * @param reservationTtlMs       how long a reservation lasts unless renewed; renewed at two thirds of it
 * @param punchBackoffMs         the wait before trying again to punch through to a peer after a failure; doubles
 *                               with each failure
 * @param maxPunchBackoffMs      the longest wait between punch attempts to one peer
 * @param relayBudget            what this node offers as a relay
 */
public record WiderConfig(AmbassadorMode ambassador, boolean relay, long minCheckIntervalMs, long maxCheckIntervalMs,
                          int peersPerCheck, int minAnswers, int maxCandidates, long dialbackPerPeerMs,
                          int dialbacksPerSecond, int maxConcurrentProbes, long requestTimeoutMs, int reservations,
                          long reservationTtlMs, long punchBackoffMs, long maxPunchBackoffMs, RelayBudget relayBudget) {

    /** Most candidates a dial-back request may carry on the wire. */
    public static final int MAX_CANDIDATES = 8;

    /** Checks the values. */
    public WiderConfig {
        Objects.requireNonNull(ambassador, "ambassador");
        Objects.requireNonNull(relayBudget, "relayBudget");
        if (minCheckIntervalMs < 1 || maxCheckIntervalMs < minCheckIntervalMs || minAnswers < 3
            || peersPerCheck < minAnswers || maxCandidates < 1 || maxCandidates > MAX_CANDIDATES || dialbackPerPeerMs < 0
            || dialbacksPerSecond < 1 || maxConcurrentProbes < 1 || requestTimeoutMs < 1 || reservations < 1
            || reservationTtlMs < 3 || punchBackoffMs < 1 || maxPunchBackoffMs < punchBackoffMs) {
            throw new IllegalArgumentException("invalid wider settings: checks every " + minCheckIntervalMs + ".."
                + maxCheckIntervalMs + " ms asking " + peersPerCheck + " peers for " + minAnswers + " answers, "
                + maxCandidates + " candidates (at most " + MAX_CANDIDATES + "), dial-back every " + dialbackPerPeerMs
                + " ms per peer and " + dialbacksPerSecond + "/s, " + maxConcurrentProbes + " probes, timeout "
                + requestTimeoutMs + " ms, " + reservations + " reservations of " + reservationTtlMs + " ms, punch back-off "
                + punchBackoffMs + ".." + maxPunchBackoffMs + " ms");
        }
    }

    /**
     * Defaults for a memory budget and connection limit: ambassador automatic, relays on; checks between 30 s and
     * 30 min asking 5 peers for at least 3 answers; 4 candidates; a peer may ask for a dial-back every 10 s and the
     * node serves 8 per second with 16 probes at once; answers awaited 10 s; 2 reservations of 2 min; punching
     * retried after 1 min, doubling to 1 h; the relay budget of {@link RelayBudget#forMemoryBudget}.
     */
    public static WiderConfig forMemoryBudget(long budgetBytes, int maxConnections) {
        return new WiderConfig(AmbassadorMode.AUTO, true, 30_000, 30 * 60_000L, 5, 3, 4, 10_000, 8, 16, 10_000, 2,
            120_000, 60_000, 60 * 60_000L, RelayBudget.forMemoryBudget(budgetBytes, maxConnections));
    }

    /** A copy with another ambassador mode. */
    public WiderConfig withAmbassador(AmbassadorMode value) {
        return new WiderConfig(value, relay, minCheckIntervalMs, maxCheckIntervalMs, peersPerCheck, minAnswers,
            maxCandidates, dialbackPerPeerMs, dialbacksPerSecond, maxConcurrentProbes, requestTimeoutMs, reservations,
            reservationTtlMs, punchBackoffMs, maxPunchBackoffMs, relayBudget);
    }

    /** A copy with relays on or off. */
    public WiderConfig withRelay(boolean value) {
        return new WiderConfig(ambassador, value, minCheckIntervalMs, maxCheckIntervalMs, peersPerCheck, minAnswers,
            maxCandidates, dialbackPerPeerMs, dialbacksPerSecond, maxConcurrentProbes, requestTimeoutMs, reservations,
            reservationTtlMs, punchBackoffMs, maxPunchBackoffMs, relayBudget);
    }

    /** A copy with other check intervals. */
    public WiderConfig withCheckIntervals(long minMs, long maxMs) {
        return new WiderConfig(ambassador, relay, minMs, maxMs, peersPerCheck, minAnswers,
            maxCandidates, dialbackPerPeerMs, dialbacksPerSecond, maxConcurrentProbes, requestTimeoutMs, reservations,
            reservationTtlMs, punchBackoffMs, maxPunchBackoffMs, relayBudget);
    }

    /** A copy with other dial-back rate limits. */
    public WiderConfig withDialbackLimits(long perPeerMs, int perSecond, int concurrentProbes) {
        return new WiderConfig(ambassador, relay, minCheckIntervalMs, maxCheckIntervalMs, peersPerCheck, minAnswers,
            maxCandidates, perPeerMs, perSecond, concurrentProbes, requestTimeoutMs, reservations,
            reservationTtlMs, punchBackoffMs, maxPunchBackoffMs, relayBudget);
    }

    /** A copy with another reservation lifetime. */
    public WiderConfig withReservationTtl(long ttlMs) {
        return new WiderConfig(ambassador, relay, minCheckIntervalMs, maxCheckIntervalMs, peersPerCheck, minAnswers,
            maxCandidates, dialbackPerPeerMs, dialbacksPerSecond, maxConcurrentProbes, requestTimeoutMs, reservations,
            ttlMs, punchBackoffMs, maxPunchBackoffMs, relayBudget);
    }

    /** A copy with another relay budget. */
    public WiderConfig withRelayBudget(RelayBudget value) {
        return new WiderConfig(ambassador, relay, minCheckIntervalMs, maxCheckIntervalMs, peersPerCheck, minAnswers,
            maxCandidates, dialbackPerPeerMs, dialbacksPerSecond, maxConcurrentProbes, requestTimeoutMs, reservations,
            reservationTtlMs, punchBackoffMs, maxPunchBackoffMs, value);
    }
}
