package network.butter.protocol;

/**
 * A part of a node that speaks a protocol with other nodes (discovery, known hosts, storage, search). Each is a
 * module: installed on a node or left out, and swappable, as the design asks. It runs entirely on the node
 * loop through its {@link ProtocolContext}, so it needs no locks and runs unchanged in the simulator.
 */
public interface Protocol {

    /** A short name for logs, e.g. {@code "lan-discovery"}. */
    String name();

    /** Starts the protocol: registers its routes and timers. Called once, on the node loop. */
    void start(ProtocolContext context);

    /** Stops timers and releases what it holds; called on the node loop when the node shuts down. */
    default void stop() {
    }
}
