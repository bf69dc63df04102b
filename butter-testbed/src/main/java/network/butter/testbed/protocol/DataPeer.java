package network.butter.testbed.protocol;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import network.butter.identity.PeerAddress;

/**
 * The data protocol under test as installed on one node: what a scenario asks that node to do. Every
 * operation is asynchronous and must stay so inside the protocol (no blocking waits): simulated nodes share
 * one thread.
 */
public interface DataPeer {

    /**
     * Tells the node about peers when it joins. Discovery does not exist yet, so the scenario hands each new
     * node a random sample of live nodes, like a bootstrap list; what the protocol does with them (keep them,
     * greet them, exchange peers) is its own business.
     *
     * @return completes when the node has joined as far as the protocol is concerned (e.g. its greetings were
     *         answered or failed), so a scenario can wait for a network to form rather than guess how long that
     *         takes; it never fails
     */
    CompletableFuture<Void> join(List<PeerAddress> peers);

    /** Stores {@code item}, starting from this node. */
    CompletableFuture<ItemKey> store(byte[] item);

    /**
     * Looks the item up, starting from this node.
     *
     * @return its content, verified against the key; or empty if the protocol could not find it
     */
    CompletableFuture<Optional<byte[]>> retrieve(ItemKey key);

    /**
     * What the node holds now (stored bytes, groups, tombstones), for the testbed's check that hostile peers cannot
     * make honest nodes exceed their budget; {@link NodeState#EMPTY} if the protocol does not say. Call it from the
     * thread that drives the cluster, between steps of a simulation.
     */
    default NodeState state() {
        return NodeState.EMPTY;
    }
}
