package network.butter.persist;

/**
 * How long a store request may take before the put gives up on that peer and asks the next candidate, learnt from
 * the round trips of earlier stores the way TCP learns its retransmission timeout (a smoothed round trip plus four
 * times its mean deviation) and doubled after every store that timed out, until one is answered again.
 *
 * <p>A store carries a whole chunk and the peer writes it before it answers, so its round trip grows with the chunk,
 * the peer's disk and how busy the machines are: on a loaded host one store in many took over two seconds. A fixed
 * timeout then gives up on copies that were on their way, sends the chunk to another peer, adds load and ends the
 * put once the candidates run out. Measured round trips stretch the timeout to what stores really take; the
 * doubling stretches it when nothing is answered any more (the measure then stops). Never under the configured
 * request timeout, so a fast network notices a dead peer as soon as before, and never over {@code ceilingMs}.
 * One per node: the stores' round trips say how loaded the network and this node are, and a timeout to one dead
 * peer is undone by the next answer from a live one.
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

    /** A store was answered (whatever the answer) after {@code roundTripMs}; ends any doubling. */
    void answered(long roundTripMs) {
        roundTrips.observe(roundTripMs);
        measured = true;
        doublings = 0;
    }

    /** A store got no answer within its timeout: the next ones may take twice as long. */
    void timedOut() {
        doublings = Math.min(MAX_DOUBLINGS, doublings + 1);
    }

    /** The timeout for the next store, in milliseconds. */
    long timeoutMs() {
        long fitted = measured ? Math.max(floorMs, roundTrips.timeoutMs()) : floorMs;
        return Math.min(ceilingMs, fitted << doublings);
    }
}
