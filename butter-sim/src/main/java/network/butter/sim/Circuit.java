package network.butter.sim;

import network.butter.env.RelayGate;

/**
 * A circuit a relay forwards between two nodes: both hops of every frame cross the network, and the relay closes it
 * when it has carried the byte limit its gate set or has been open for the duration limit. When it closes, both ends
 * hear that the peer failed (unless it closed because a direct connection replaced it), and the relay's gate hears
 * what it carried.
 */
final class Circuit {

    private final Simulation simulation;
    private final SimTransport relay;
    private final SimTransport from;
    private final SimTransport to;
    private final RelayGate gate;
    private final long maxBytes;
    private final long openedMs;
    private long bytes;
    private boolean closed;

    Circuit(Simulation simulation, SimTransport relay, SimTransport from, SimTransport to, RelayGate gate,
            long maxBytes) {
        this.simulation = simulation;
        this.relay = relay;
        this.from = from;
        this.to = to;
        this.gate = gate;
        this.maxBytes = maxBytes;
        this.openedMs = simulation.nowMs();
    }

    SimTransport relay() {
        return relay;
    }

    /** The end the circuit was opened to. */
    SimTransport to() {
        return to;
    }

    boolean closed() {
        return closed;
    }

    /**
     * Counts a frame of {@code length} bytes about to cross; closes the circuit instead if it would pass the limit.
     *
     * @return whether the frame may cross
     */
    boolean carry(int length) {
        if (closed) {
            return false;
        }
        if (bytes + length > maxBytes) {
            close("its limit of " + maxBytes + " bytes is reached", true);
            return false;
        }
        bytes += length;
        return true;
    }

    /**
     * Closes the circuit at both ends and tells the gate.
     *
     * @param reason   why, for the ends' failure
     * @param tellEnds whether the ends hear that the peer failed (not when a direct connection took over)
     */
    void close(String reason, boolean tellEnds) {
        if (closed) {
            return;
        }
        closed = true;
        from.circuitClosed(this, to.node(), reason, tellEnds);
        to.circuitClosed(this, from.node(), reason, tellEnds);
        if (relay.live()) {
            long durationMs = simulation.nowMs() - openedMs;
            long carried = bytes;
            simulation.schedule(relay.node(), relay.incarnation(), 0,
                () -> gate.circuitClosed(from.node().id(), to.node().id(), carried, durationMs));
        }
    }
}
