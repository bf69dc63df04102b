package network.butter.sim;

import java.util.random.RandomGenerator;

/**
 * One-way message latency of the emulated network: normally distributed around {@code meanMs} with standard
 * deviation {@code jitterMs}, never below {@code minMs}. Messages on one link still arrive in the order they
 * were sent, as on a TCP connection.
 *
 * @param minMs    the floor, in virtual milliseconds (at least 0)
 * @param meanMs   the mean, in virtual milliseconds (at least {@code minMs})
 * @param jitterMs the standard deviation, in virtual milliseconds (at least 0)
 */
public record Latency(long minMs, long meanMs, long jitterMs) {

    /** Checks the values are consistent. */
    public Latency {
        if (minMs < 0 || meanMs < minMs || jitterMs < 0) {
            throw new IllegalArgumentException("need 0 <= minMs <= meanMs and jitterMs >= 0, got min "
                + minMs + ", mean " + meanMs + ", jitter " + jitterMs);
        }
    }

    /** The same latency for every message. */
    public static Latency fixed(long ms) {
        return new Latency(ms, ms, 0);
    }

    /** Draws one message's latency. */
    long sample(RandomGenerator random) {
        if (jitterMs == 0) {
            return meanMs;
        }
        return Math.max(minMs, Math.round(meanMs + jitterMs * random.nextGaussian()));
    }
}
