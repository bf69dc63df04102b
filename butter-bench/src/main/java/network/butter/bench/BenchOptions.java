package network.butter.bench;

import java.util.List;

/**
 * What one benchmark invocation measures.
 *
 * @param warmupMs      load before the first trial of each system at each concurrency, in milliseconds: lets the JIT
 *                      and the connection settle
 * @param trialMs       measured window of one trial, in milliseconds; short, so that many pairs fit in a run and a
 *                      change of the machine's load falls on both halves of a pair alike
 * @param pairs         trial pairs per concurrency: each pair measures the baseline and the measured system back to
 *                      back (the order alternating), and the report gives the median and spread of the per-pair ratios
 * @param payloadBytes  request (and echoed reply) body size in bytes
 * @param concurrencies the numbers of outstanding requests to measure, e.g. 1 (pure latency) and 64
 * @param busyCpus      background busy loops at the lowest priority kept running for the whole benchmark (see
 *                      {@link BusyBackground}); 0 for none
 * @param virtualThreads whether Butter serves and calls through its default API, handler and callbacks on virtual
 *                      threads, rather than with the event-loop opt-ins (see {@link ButterEchoTarget})
 * @param baselineTwice whether the measured system is a second raw Netty echo instead of Butter: an A/A run whose
 *                      ratios should be 1.00, so that their spread shows the noise floor of the method
 */
record BenchOptions(long warmupMs, long trialMs, int pairs, int payloadBytes, List<Integer> concurrencies,
                    int busyCpus, boolean virtualThreads, boolean baselineTwice) {

    /** The largest concurrency supported: the baseline packs the slot into 16 bits of its request id. */
    static final int MAX_CONCURRENCY = 0xFFFF;
    /**
     * Load before each trial's window, in milliseconds, not measured: the system just switched to fills its
     * pipeline again while the other one's threads go quiet.
     */
    static final long SETTLE_MS = 200;

    /** Checks every value is usable. */
    BenchOptions {
        if (warmupMs < 0) {
            throw new IllegalArgumentException("warm-up must be >= 0 ms, got " + warmupMs);
        }
        if (trialMs < 1) {
            throw new IllegalArgumentException("a trial's window must be >= 1 ms, got " + trialMs);
        }
        if (pairs < 1) {
            throw new IllegalArgumentException("pairs must be >= 1, got " + pairs);
        }
        if (payloadBytes < 0) {
            throw new IllegalArgumentException("payload must be >= 0 bytes, got " + payloadBytes);
        }
        if (busyCpus < 0) {
            throw new IllegalArgumentException("busy CPUs must be >= 0, got " + busyCpus);
        }
        concurrencies = List.copyOf(concurrencies);
        if (concurrencies.isEmpty()) {
            throw new IllegalArgumentException("give at least one concurrency");
        }
        for (int c : concurrencies) {
            if (c < 1 || c > MAX_CONCURRENCY) {
                throw new IllegalArgumentException("concurrency must be 1.." + MAX_CONCURRENCY + ", got " + c);
            }
        }
    }

    /**
     * How long the whole benchmark should take, in seconds, rounded up: both systems' warm-ups and every trial of every
     * pair, with its settling time, at every concurrency. Bounds the background busy loops.
     */
    long plannedSeconds() {
        long perConcurrencyMs = 2 * warmupMs + 2L * pairs * (SETTLE_MS + trialMs);
        return (concurrencies.size() * perConcurrencyMs + 999) / 1000;
    }

    /** The highest concurrency asked for: sizes the systems' in-flight limits and slot tables. */
    int maxConcurrency() {
        return concurrencies.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** The name of the system measured against the baseline in the report. */
    String measuredName() {
        return baselineTwice ? BenchReport.BASELINE_AGAIN : BenchReport.BUTTER;
    }
}
