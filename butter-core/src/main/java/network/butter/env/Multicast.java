package network.butter.env;

/**
 * A node's port on a LAN multicast group, for discovery. Like {@link Transport} it is part of the environment:
 * the real one is a UDP multicast socket (IPv4, a configurable group and interface), the simulator's delivers to
 * the nodes of the same simulated LAN segment. Datagrams are small, unreliable and unauthenticated: protocols
 * treat what arrives as a hint to be checked over the authenticated transport.
 */
public interface Multicast {

    /** Largest datagram payload sent or accepted, in bytes. */
    int MAX_DATAGRAM_BYTES = 512;

    /** Starts receiving; datagrams from others (never this node's own) arrive on the node loop. */
    void start(Listener listener);

    /** Sends a datagram to the group; dropped silently if the network drops it. Called on the node loop. */
    void send(byte[] payload);

    /** Leaves the group and releases the socket. Idempotent. */
    void close();

    /** Receives datagrams, on the node loop. */
    @FunctionalInterface
    interface Listener {
        /**
         * A datagram arrived.
         *
         * @param sourceHost the sender's IP address as text, as seen by the receiver
         * @param payload    the datagram's bytes, at most {@link #MAX_DATAGRAM_BYTES}
         */
        void onDatagram(String sourceHost, byte[] payload);
    }
}
