package network.butter.sim;

/**
 * Where {@link Simulation#spawn()} puts new nodes: on the public internet, or in a home LAN behind a router. Each
 * spawned node is behind a NAT with probability {@code behindNat}; it then joins the newest home LAN while that
 * has had fewer than {@code nodesPerLan} nodes, else a new LAN whose router is symmetric with probability
 * {@code symmetricShare} (otherwise {@link RouterKind#portRestricted()}) and offers port mapping with probability
 * {@code portMappingShare}. The draws come from a random stream of their own, derived from the simulation's
 * seed, so a plan with {@code behindNat} 0 leaves every run exactly as without a plan.
 *
 * @param behindNat        share of spawned nodes put behind a NAT, 0 to 1
 * @param symmetricShare   share of new routers with symmetric mapping, 0 to 1
 * @param portMappingShare share of new routers that offer port mapping (UPnP / NAT-PMP), 0 to 1
 * @param nodesPerLan      nodes spawned into one home LAN before the next gets its own, at least 1
 */
public record NatPlan(double behindNat, double symmetricShare, double portMappingShare, int nodesPerLan) {

    /** Most nodes in one home LAN: hosts .2 to .254 of its /24. */
    public static final int MAX_NODES_PER_LAN = 253;

    /** Checks the shares are probabilities and the LAN size is possible. */
    public NatPlan {
        check("behindNat", behindNat);
        check("symmetricShare", symmetricShare);
        check("portMappingShare", portMappingShare);
        if (nodesPerLan < 1 || nodesPerLan > MAX_NODES_PER_LAN) {
            throw new IllegalArgumentException("nodesPerLan must be 1.." + MAX_NODES_PER_LAN + ", got " + nodesPerLan);
        }
    }

    private static void check(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be within 0..1, got " + value);
        }
    }

    /** Every node public: the simulation as it was before NATs. The default. */
    public static NatPlan none() {
        return new NatPlan(0, 0, 0, 1);
    }

    /** Whether any node may end up behind a NAT. */
    public boolean active() {
        return behindNat > 0;
    }
}
