package network.butter.bench;

/**
 * What one run (one system, one concurrency, one round) measured.
 *
 * @param system            the system's name
 * @param concurrency       requests kept outstanding
 * @param pair              which trial pair, from 1 (0 for a warm-up)
 * @param requests          requests completed inside the measured window
 * @param errors            requests that failed, during warm-up or measurement (a healthy run has none)
 * @param requestsPerSecond {@code requests} divided by the window's length
 * @param p50Micros         median latency in microseconds
 * @param p99Micros         99th-percentile latency in microseconds
 * @param cpuMicrosPerRequest CPU time of the system's threads in the measured window per request completed in it, in
 *                          microseconds (see {@link ThreadCpu})
 * @param bytesPerRequest   bytes allocated by the system's threads in the measured window per request completed in
 *                          it (see {@link ThreadCpu#allocatedBytes})
 * @param firstFailure      the first failure, described, or null if none failed
 */
record RunResult(String system, int concurrency, int pair, long requests, long errors, double requestsPerSecond,
                 long p50Micros, long p99Micros, double cpuMicrosPerRequest,
                 double bytesPerRequest, String firstFailure) {
}
