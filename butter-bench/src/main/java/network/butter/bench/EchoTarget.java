package network.butter.bench;

/**
 * A request/response system under test: something that sends a payload to an echo server and reports when
 * the answer is back. The benchmark drives Butter and the raw Netty baseline through this one seam, so both
 * see exactly the same load generator and latency bookkeeping.
 */
interface EchoTarget extends AutoCloseable {

    /** Short name used in the report, e.g. {@code butter} or {@code netty}. */
    String name();

    /**
     * Sends one request and calls {@code done} exactly once when its answer (or a failure) arrives. Must not
     * block: the closed-loop driver calls it from completion callbacks.
     *
     * @param slot    which of the driver's concurrent request slots this is, {@code 0 <= slot < concurrency};
     *                at most one request per slot is outstanding at a time
     * @param payload the request body; the echo must return the same number of bytes
     * @param done    told the outcome
     */
    void call(int slot, byte[] payload, Completion done);

    /**
     * CPU time used so far by the threads that serve this system, client and server (see {@link ThreadCpu}), in
     * nanoseconds; differences between two calls are what counts.
     */
    long cpuNanos();

    /** Bytes allocated so far by the same threads as {@link #cpuNanos()}; differences between two calls are what counts. */
    long allocatedBytes();

    /** Stops the system and frees its threads and sockets. */
    @Override
    void close();

    /** The outcome of one request. */
    @FunctionalInterface
    interface Completion {

        /** @param failure why the request failed, or null if the echo came back intact */
        void done(Throwable failure);
    }
}
