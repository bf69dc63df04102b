package network.butter.sim;

import network.butter.env.Multicast;

/**
 * A simulated node's port on the multicast group of its LAN segment: a datagram reaches every other running
 * member of the segment that has started listening, each copy subject to the network's faults.
 */
public final class SimMulticast implements Multicast {

    private final Simulation simulation;
    private final SimNode node;
    private Listener listener;
    private boolean closed;

    SimMulticast(Simulation simulation, SimNode node) {
        this.simulation = simulation;
        this.node = node;
    }

    @Override
    public void start(Listener value) {
        this.listener = value;
    }

    @Override
    public void send(byte[] payload) {
        if (closed || payload.length > MAX_DATAGRAM_BYTES) {
            return;
        }
        for (SimNode member : simulation.segmentMembers(node.segment())) {
            if (member != node && member.multicast().listening()) {
                simulation.transmitDatagram(node, member, payload.clone());
            }
        }
    }

    void receive(SimNode from, byte[] payload) {
        if (listening()) {
            listener.onDatagram(from.address().host(), payload);
        }
    }

    boolean listening() {
        return listener != null && !closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
