package network.butter.persist;

/**
 * How long a heartbeat may take before its partner counts as gone, learnt from the round trips of earlier beats
 * the way TCP learns its retransmission timeout: a smoothed round trip plus four times its mean deviation, never
 * under {@link #MIN_TIMEOUT_MS} nor over the storage request timeout. Most deaths are silent (power loss, a NAT that
 * forgets a mapping): nothing resets the connection, and the only sign is a beat that goes unanswered. Waiting the
 * full request timeout for it leaves a group short for seconds; a timeout fitted to the network notices it within
 * a few round trips. A lost beat on a lossy network then costs a spare recruit and a trim, never a copy.
 */
final class RoundTrips {

    /** The shortest beat timeout, in milliseconds, however fast the network looks. */
    static final long MIN_TIMEOUT_MS = 250;
    private static final double GAIN = 0.125;
    private static final double DEVIATION_GAIN = 0.25;

    private final long maxTimeoutMs;
    private double smoothedMs = -1;
    private double deviationMs;

    /** @param maxTimeoutMs the longest timeout, e.g. the storage request timeout */
    RoundTrips(long maxTimeoutMs) {
        this.maxTimeoutMs = maxTimeoutMs;
    }

    /** A beat was answered after {@code roundTripMs}. */
    void observe(long roundTripMs) {
        if (smoothedMs < 0) {
            smoothedMs = roundTripMs;
            deviationMs = roundTripMs / 2.0;
            return;
        }
        deviationMs += DEVIATION_GAIN * (Math.abs(roundTripMs - smoothedMs) - deviationMs);
        smoothedMs += GAIN * (roundTripMs - smoothedMs);
    }

    /** The smoothed round trip, in milliseconds; 0 before one was seen. */
    long smoothedMs() {
        return smoothedMs < 0 ? 0 : Math.round(smoothedMs);
    }

    /** The timeout for the next beat: the full request timeout until a round trip has been seen. */
    long timeoutMs() {
        if (smoothedMs < 0) {
            return maxTimeoutMs;
        }
        long fitted = Math.round(smoothedMs + 4 * deviationMs);
        return Math.min(maxTimeoutMs, Math.max(MIN_TIMEOUT_MS, fitted));
    }
}
