package network.butter.persist;

/**
 * How long a store request may take before the put gives up on that peer and asks the next candidate, learnt from
 * the round trips of earlier stores the way TCP learns its retransmission timeout (a smoothed round trip plus four
 * times its mean deviation), with every timeout counted as a round trip of at least the timeout and doubling the
 * next timeouts, one doubling undone per answer.
 *
 * <p>A store carries a whole chunk and the peer writes it before it answers, so its round trip grows with the chunk,
 * the peer's disk and how busy the machines are: on a loaded host one store in many took over two seconds (a
 * collection pause, a starved process) while most took a fraction of one. A fixed timeout then gives up on copies
 * that were on their way, sends the chunk to another peer, adds load and ends the put once the candidates run out.
 * Counting the timeouts as long round trips teaches the estimate that tail, which the answered stores alone never
 * show; the doubling stretches it at once when nothing is answered any more. Never under the configured request
 * timeout, so a fast network notices a dead peer as soon as before, and never over {@code ceilingMs}. One per node:
 * the stores' round trips say how loaded the network and this node are, and a dead peer's timeouts are outweighed
 * by the answers of the live ones.
 */
final class StoreTimeouts {

    /** Most doublings after timeouts in a row. */
    static final int MAX_DOUBLINGS = 4;

    private final long floorMs;
    private final RoundTrips roundTrips;
    private final long ceilingMs;
    private boolean measured;
    private int doublings;

    /**
     * @param floorMs   the shortest timeout, in milliseconds (the configured request timeout)
     * @param ceilingMs the longest timeout, in milliseconds
     */
    StoreTimeouts(long floorMs, long ceilingMs) {
        if (floorMs < 1 || ceilingMs < floorMs) {
            throw new IllegalArgumentException("need 1 <= floorMs <= ceilingMs, got " + floorMs + " and " + ceilingMs);
        }
        this.floorMs = floorMs;
        this.ceilingMs = ceilingMs;
        this.roundTrips = new RoundTrips(ceilingMs);
    }

    /** A store was answered (whatever the answer) after {@code roundTripMs}; undoes one doubling. */
    void answered(long roundTripMs) {
        roundTrips.observe(roundTripMs);
        measured = true;
        doublings = Math.max(0, doublings - 1);
    }

    /** A store got no answer within {@code timeoutMs}: its round trip was at least that, and the next may take twice. */
    void timedOut(long timeoutMs) {
        roundTrips.observe(timeoutMs);
        measured = true;
        doublings = Math.min(MAX_DOUBLINGS, doublings + 1);
    }

    /** A store's typical round trip lately (smoothed, timeouts counted), in milliseconds; 0 before any was seen. */
    long typicalMs() {
        return measured ? roundTrips.smoothedMs() : 0;
    }

    /** The timeout for the next store, in milliseconds. */
    long timeoutMs() {
        long fitted = measured ? Math.max(floorMs, roundTrips.timeoutMs()) : floorMs;
        return Math.min(ceilingMs, fitted << doublings);
    }
}
