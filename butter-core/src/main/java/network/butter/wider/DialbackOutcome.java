package network.butter.wider;

/** What a peer did with one candidate address of a dial-back request. */
public enum DialbackOutcome {
    /** It dialled the address on a fresh connection and the requester answered, proving its id. */
    REACHED(0),
    /** It dialled the address and nobody answered in time, or the handshake failed. */
    UNREACHED(1),
    /** It did not dial: the address is not at the IP the request came from (no amplification). */
    OTHER_IP(2),
    /** It did not dial: the request came over a relay, or the peer was busy with other dial-backs. */
    NOT_TRIED(3),
    /** It dialled the address and a different node answered. */
    WRONG_PEER(4);

    private final int wire;

    DialbackOutcome(int wire) {
        this.wire = wire;
    }

    /** The byte that stands for this outcome on the wire. */
    public int wire() {
        return wire;
    }

    /** Whether the peer actually dialled, so the outcome says something about reachability. */
    public boolean tried() {
        return this == REACHED || this == UNREACHED || this == WRONG_PEER;
    }

    /** The outcome of a wire byte, or null for one this version does not know. */
    public static DialbackOutcome fromWire(int value) {
        for (DialbackOutcome outcome : values()) {
            if (outcome.wire == value) {
                return outcome;
            }
        }
        return null;
    }
}
