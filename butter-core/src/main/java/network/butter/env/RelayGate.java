package network.butter.env;

import network.butter.identity.PeerId;

/**
 * What a relaying transport asks before it forwards a circuit, and tells when one ends. The wider layer implements
 * it: it knows which peers hold reservations on this node and what the memory budget allows, so the bounds live in
 * the deterministic core while the transport only moves bytes. Called on the node loop.
 */
public interface RelayGate {

    /**
     * A peer asks this node to forward a circuit to {@code target}.
     *
     * @param from     the authenticated peer that asks
     * @param fromHost the IP address the request came from, for per-address limits
     * @param target   the peer it wants to reach
     * @return the circuit's limits if it may open, or a refusal saying why
     */
    Decision openCircuit(PeerId from, String fromHost, PeerId target);

    /**
     * A circuit this gate allowed has closed, for whatever reason.
     *
     * @param bytes      how many bytes it carried in both directions
     * @param durationMs how long it was open, in milliseconds
     */
    void circuitClosed(PeerId from, PeerId target, long bytes, long durationMs);

    /** A gate's answer: limits to enforce, or a refusal. */
    sealed interface Decision {
    }

    /**
     * The circuit may open; the transport closes it when it has carried {@code maxBytes} (both directions together)
     * or has been open {@code maxDurationMs}.
     */
    record Allowed(long maxBytes, long maxDurationMs) implements Decision {
        /** Checks the limits are positive. */
        public Allowed {
            if (maxBytes <= 0 || maxDurationMs <= 0) {
                throw new IllegalArgumentException("circuit limits must be positive: " + maxBytes + " bytes, " + maxDurationMs + " ms");
            }
        }
    }

    /** The circuit may not open; {@code reason} goes back to the asking peer (public text only). */
    record Refused(String reason) implements Decision {
    }
}
