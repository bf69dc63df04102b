package network.butter.protocol;

import java.util.concurrent.CompletableFuture;

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

    /**
     * Called on the node loop when the node shuts down with a grace period, before anything stops: the protocol's
     * chance to hand what it holds over to peers (a storage protocol passes its copies on). The node keeps
     * serving and may send requests until the returned future completes or the grace period is half spent,
     * whichever comes first; then it stops as usual. An abrupt shutdown (no grace) skips this, as a crash would.
     *
     * @return completes when the protocol has left; the default has nothing to hand over
     */
    default CompletableFuture<Void> leave() {
        return CompletableFuture.completedFuture(null);
    }

    /** Stops timers and releases what it holds; called on the node loop when the node shuts down. */
    default void stop() {
    }
}
