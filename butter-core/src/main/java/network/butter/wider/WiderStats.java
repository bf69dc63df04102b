package network.butter.wider;

/**
 * What the wider layer of one node has done since it started, for experiments and monitoring.
 *
 * @param checks          reachability checks made
 * @param punched         hole punches this node started that opened a direct connection
 * @param punchFailures   hole punches this node started that failed (the peers stayed relayed)
 * @param reservations    reservations other peers hold on this node now (as an ambassador)
 * @param circuitsOpen    circuits this node forwards now
 * @param circuitsOpened  circuits this node allowed since start
 * @param circuitsRefused circuits this node refused since start
 */
public record WiderStats(long checks, long punched, long punchFailures, int reservations, int circuitsOpen,
                         long circuitsOpened, long circuitsRefused) {

    /** A layer that never started (no NAT-crossing transport). */
    public static final WiderStats NONE = new WiderStats(0, 0, 0, 0, 0, 0, 0);
}
