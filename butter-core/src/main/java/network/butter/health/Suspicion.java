package network.butter.health;

import java.util.HashSet;
import java.util.Set;
import network.butter.identity.PeerId;

/**
 * How long one suspicion lasts before its verdict: from {@code maxMs} with no confirmation down to {@code minMs}
 * once {@code expected} independent confirmations arrived, falling logarithmically in between (the idea of
 * memberlist's suspicion timer): the first confirmations count most, and a suspect that only this node cannot
 * reach gets the longest time to answer. With no one to confirm ({@code expected == 0}) it lasts {@code maxMs}.
 */
final class Suspicion {

    private final long minMs;
    private final long maxMs;
    private final int expected;
    private final Set<PeerId> confirmedBy = new HashSet<>();

    /**
     * @param minMs    duration with every expected confirmation, in milliseconds
     * @param maxMs    duration with none, in milliseconds
     * @param expected confirmations that can come (the helpers asked)
     */
    Suspicion(long minMs, long maxMs, int expected) {
        if (minMs < 1 || maxMs < minMs || expected < 0) {
            throw new IllegalArgumentException("need 1 <= minMs <= maxMs and expected >= 0, got " + minMs + ", "
                + maxMs + ", " + expected);
        }
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.expected = expected;
    }

    /**
     * Counts a confirmation from {@code helper}; each helper counts once.
     *
     * @return whether it was new (and so shortened the suspicion)
     */
    boolean confirm(PeerId helper) {
        return confirmedBy.size() < expected && confirmedBy.add(helper);
    }

    /** Independent confirmations so far. */
    int confirmations() {
        return confirmedBy.size();
    }

    /** How long the suspicion lasts, from its start, given the confirmations so far, in milliseconds. */
    long durationMs() {
        if (expected == 0) {
            return maxMs;
        }
        double fraction = Math.log(confirmedBy.size() + 1) / Math.log(expected + 1);
        return Math.max(minMs, Math.round(maxMs - (maxMs - minMs) * fraction));
    }
}
