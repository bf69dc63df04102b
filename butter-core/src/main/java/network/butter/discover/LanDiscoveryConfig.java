package network.butter.discover;

/**
 * Timing of LAN discovery.
 *
 * @param initialBackoffMs delay before the second PING of a lonely node; doubles after each PING while lonely
 * @param maxBackoffMs     longest delay between PINGs of a lonely node
 * @param steadyIntervalMs delay between PINGs once the node knows peers (it stays findable through PONGs)
 * @param minPongIntervalMs the node answers PINGs with at most one PONG per this interval, however many arrive
 */
public record LanDiscoveryConfig(long initialBackoffMs, long maxBackoffMs, long steadyIntervalMs,
                                 long minPongIntervalMs) {

    /** Checks the values are usable. */
    public LanDiscoveryConfig {
        if (initialBackoffMs < 1 || maxBackoffMs < initialBackoffMs || steadyIntervalMs < 1 || minPongIntervalMs < 0) {
            throw new IllegalArgumentException("need 1 <= initialBackoffMs <= maxBackoffMs, steadyIntervalMs >= 1, "
                + "minPongIntervalMs >= 0; got " + initialBackoffMs + ", " + maxBackoffMs + ", " + steadyIntervalMs
                + ", " + minPongIntervalMs);
        }
    }

    /**
     * The defaults: a newcomer pings at once, again after 250 ms, then backs off to at most 10 s while lonely;
     * a node with peers pings once a minute; PONGs at most every 100 ms.
     */
    public static LanDiscoveryConfig defaults() {
        return new LanDiscoveryConfig(250, 10_000, 60_000, 100);
    }
}
