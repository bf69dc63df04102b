package network.butter.bench;

import java.util.List;

/**
 * What one benchmark invocation measures.
 *
 * @param warmupMs      load before measuring, per run, in milliseconds: lets the JIT and the connection settle
 * @param measureMs     measured window per run, in milliseconds
 * @param rounds        how often each configuration is run; the report shows the median, which damps the
 *                      noise of a small shared machine
 * @param payloadBytes  request (and echoed reply) body size in bytes
 * @param concurrencies the numbers of outstanding requests to measure, e.g. 1 (pure latency) and 64
 * @param busyCpus      background busy loops at the lowest priority kept running for the whole benchmark (see
 *                      {@link BusyBackground}); 0 for none
 * @param virtualThreads whether Butter serves and calls through its default API, handler and callbacks on virtual
 *                      threads, rather than with the event-loop opt-ins (see {@link ButterEchoTarget})
 */
record BenchOptions(long warmupMs, long measureMs, int rounds, int payloadBytes, List<Integer> concurrencies,
                    int busyCpus, boolean virtualThreads) {

    /** The largest concurrency supported: the baseline packs the slot into 16 bits of its request id. */
    static final int MAX_CONCURRENCY = 0xFFFF;

    /** Checks every value is usable. */
    BenchOptions {
        if (warmupMs < 0) {
            throw new IllegalArgumentException("warm-up must be >= 0 ms, got " + warmupMs);
        }
        if (measureMs < 1) {
            throw new IllegalArgumentException("the measured window must be >= 1 ms, got " + measureMs);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
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
     * How long the whole benchmark should take, in seconds, rounded up: every run's warm-up and window, both systems,
     * every concurrency, every round. Bounds the background busy loops.
     */
    long plannedSeconds() {
        long runs = 2L * rounds * concurrencies.size();
        return (runs * (warmupMs + measureMs) + 999) / 1000;
    }

    /** The highest concurrency asked for: sizes the systems' in-flight limits and slot tables. */
    int maxConcurrency() {
        return concurrencies.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
