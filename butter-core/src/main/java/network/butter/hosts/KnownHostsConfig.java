package network.butter.hosts;

/**
 * How a node keeps its known-host list.
 *
 * @param capacity          most hosts kept
 * @param pollIntervalMs    how often a known host not heard from is polled at first, in milliseconds; each poll it
 *                          answers doubles its interval, up to {@code maxPollIntervalMs} (the poll exchange that
 *                          admitted it counts as one: a newly admitted host is first polled after twice this)
 * @param maxPollIntervalMs the longest a known host goes unpolled while it is not heard from, and the oldest its
 *                          quality may get (a host that polls this node brings its quality along), in milliseconds;
 *                          keep it below the transport's idle timeout, or each poll of a quiet host opens a new
 *                          connection (a TLS handshake, a hundred times the cost of the poll)
 * @param pollTimeoutMs     a host that does not answer a poll within this time is evicted, in milliseconds
 * @param randomAcceptance  chance of admitting a candidate to a full list even if it adds no diversity, 0 to 1,
 *                          so lists keep changing and no part of the network freezes out another
 * @param sampleSize        most hosts given in answer to a peer-exchange request
 * @param keptAmbassadors   ambassadors the list never gives up to make room (the last ones stay until they die):
 *                          a node behind a NAT needs them for its reservations and its introductions
 * @param geoTag            this node's geographic tag, empty if none; at most 16 printable ASCII characters
 */
public record KnownHostsConfig(int capacity, long pollIntervalMs, long maxPollIntervalMs, long pollTimeoutMs, double randomAcceptance,
                               int sampleSize, int keptAmbassadors, String geoTag) {

    private static final long MIB = 1024 * 1024;

    /** Checks the values. */
    public KnownHostsConfig {
        if (capacity < 1 || pollIntervalMs < 1 || maxPollIntervalMs < pollIntervalMs || pollTimeoutMs < 1 || randomAcceptance < 0 || randomAcceptance > 1
            || sampleSize < 1 || sampleSize > 255 || keptAmbassadors < 0 || geoTag == null || geoTag.length() > HostQuality.MAX_GEO_TAG
            || !HostQuality.printableAscii(geoTag)) {
            throw new IllegalArgumentException("invalid known-host settings: capacity " + capacity + ", poll every "
                + pollIntervalMs + " ms, timeout " + pollTimeoutMs + " ms, random acceptance " + randomAcceptance
                + ", sample " + sampleSize + ", kept ambassadors " + keptAmbassadors + ", geo tag '" + geoTag + "'");
        }
    }

    /**
     * Defaults for a memory budget and connection limit: one known host per 8 MiB of budget, at most half the
     * connection limit (every known host is polled, so it holds a connection), 4 to 1024; polls a host not heard
     * from after 10 s at first, backing off to 60 s while it keeps answering, timeout 3 s, random acceptance 5 %, samples of 16, the last 4 ambassadors kept.
     */
    public static KnownHostsConfig forMemoryBudget(long budgetBytes, int maxConnections) {
        long byMemory = budgetBytes / (8 * MIB);
        int capacity = (int) Math.max(4, Math.min(1024, Math.min(byMemory, maxConnections / 2)));
        return new KnownHostsConfig(capacity, 10_000, 60_000, 3_000, 0.05, 16, 4, "");
    }

    /** A copy with another capacity. */
    public KnownHostsConfig withCapacity(int value) {
        return new KnownHostsConfig(value, pollIntervalMs, maxPollIntervalMs, pollTimeoutMs, randomAcceptance, sampleSize, keptAmbassadors, geoTag);
    }

    /**
     * A copy with another first poll interval and timeout; the longest interval keeps its ratio to the first (6 by
     * default).
     */
    public KnownHostsConfig withPolling(long intervalMs, long timeoutMs) {
        return new KnownHostsConfig(capacity, intervalMs, intervalMs * maxPollIntervalMs / pollIntervalMs, timeoutMs, randomAcceptance, sampleSize, keptAmbassadors, geoTag);
    }

    /**
     * A copy with another longest poll interval ({@code pollIntervalMs} or more); equal to {@code pollIntervalMs},
     * every host is polled at that fixed interval unless heard from.
     */
    public KnownHostsConfig withMaxPollIntervalMs(long value) {
        return new KnownHostsConfig(capacity, pollIntervalMs, value, pollTimeoutMs, randomAcceptance, sampleSize, keptAmbassadors, geoTag);
    }

    /** A copy keeping another number of ambassadors. */
    public KnownHostsConfig withKeptAmbassadors(int value) {
        return new KnownHostsConfig(capacity, pollIntervalMs, maxPollIntervalMs, pollTimeoutMs, randomAcceptance, sampleSize, value, geoTag);
    }

    /** A copy answering peer-exchange requests with at most {@code value} hosts (1 to 255). */
    public KnownHostsConfig withSampleSize(int value) {
        return new KnownHostsConfig(capacity, pollIntervalMs, maxPollIntervalMs, pollTimeoutMs, randomAcceptance, value, keptAmbassadors, geoTag);
    }

    /** A copy with another random-acceptance probability. */
    public KnownHostsConfig withRandomAcceptance(double value) {
        return new KnownHostsConfig(capacity, pollIntervalMs, maxPollIntervalMs, pollTimeoutMs, value, sampleSize, keptAmbassadors, geoTag);
    }
}
