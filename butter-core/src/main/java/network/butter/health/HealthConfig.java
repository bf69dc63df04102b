package network.butter.health;

/**
 * Settings of the {@link FailureDetector}. Every duration is scaled at run time by the node's own local health
 * (Lifeguard): a node that is itself slow or lossy waits longer before it blames others.
 *
 * @param probeTimeoutMs     how long a direct probe (a ping) waits for its answer, in milliseconds (default 500)
 * @param probeIntervalMs    how often a suspect is pinged again while suspected, in milliseconds (default 1,000)
 * @param indirectProbes     how many other known hosts are asked to ping a suspect for this node, {@code k}
 *                           (default 3); their "could not reach it either" answers are the independent
 *                           confirmations that shorten the suspicion
 * @param suspicionMinMs     the shortest a suspicion lasts before the verdict, reached with {@code k}
 *                           confirmations, in milliseconds (default 2,000)
 * @param suspicionMaxMs     the longest, with no confirmation at all, in milliseconds (default 8,000)
 * @param maxLocalHealth     the worst local-health score; timeouts are multiplied by {@code 1 + score} (default 8)
 * @param maxSuspects        most peers suspected at once; further timeouts are ignored until one is settled
 *                           (default 64)
 * @param maxRelays          most indirect probes this node runs for others at once (default 64)
 * @param verdictMemoryMs    how long a peer confirmed dead is not suspected again, in milliseconds, unless it
 *                           speaks (default 30,000)
 */
public record HealthConfig(long probeTimeoutMs, long probeIntervalMs, int indirectProbes, long suspicionMinMs,
                           long suspicionMaxMs, int maxLocalHealth, int maxSuspects, int maxRelays,
                           long verdictMemoryMs) {

    /** Checks every value, naming the one at fault. */
    public HealthConfig {
        if (probeTimeoutMs < 1 || probeIntervalMs < 1) {
            throw new IllegalArgumentException("probe timeout and interval must be positive, got " + probeTimeoutMs
                + " and " + probeIntervalMs + " ms");
        }
        if (indirectProbes < 0 || indirectProbes > 16) {
            throw new IllegalArgumentException("indirectProbes must be 0..16, got " + indirectProbes);
        }
        if (suspicionMinMs < 1 || suspicionMaxMs < suspicionMinMs) {
            throw new IllegalArgumentException("need 1 <= suspicionMinMs <= suspicionMaxMs, got " + suspicionMinMs
                + " and " + suspicionMaxMs);
        }
        if (maxLocalHealth < 0 || maxLocalHealth > 64) {
            throw new IllegalArgumentException("maxLocalHealth must be 0..64, got " + maxLocalHealth);
        }
        if (maxSuspects < 1 || maxRelays < 1 || verdictMemoryMs < 0) {
            throw new IllegalArgumentException("maxSuspects and maxRelays must be positive and verdictMemoryMs not "
                + "negative, got " + maxSuspects + ", " + maxRelays + ", " + verdictMemoryMs);
        }
    }

    /** The defaults: see each parameter. */
    public static HealthConfig defaults() {
        return new HealthConfig(500, 1_000, 3, 2_000, 8_000, 8, 64, 64, 30_000);
    }

    /** A copy with another suspicion range. */
    public HealthConfig withSuspicion(long minMs, long maxMs) {
        return new HealthConfig(probeTimeoutMs, probeIntervalMs, indirectProbes, minMs, maxMs, maxLocalHealth,
            maxSuspects, maxRelays, verdictMemoryMs);
    }

    /** A copy asking {@code k} other hosts to probe each suspect. */
    public HealthConfig withIndirectProbes(int k) {
        return new HealthConfig(probeTimeoutMs, probeIntervalMs, k, suspicionMinMs, suspicionMaxMs, maxLocalHealth,
            maxSuspects, maxRelays, verdictMemoryMs);
    }
}
