package network.butter.testbed;

import java.util.Objects;
import java.util.function.Supplier;
import network.butter.api.Node;
import network.butter.api.NodeStats;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;

/**
 * One node of a {@link Cluster} together with the application installed on it. It outlives the node: once
 * killed it still answers {@link #stats()} with the traffic counted up to its death, so a scenario can total
 * the messages of every node that ever ran.
 *
 * @param <A> the application type (e.g. the data protocol's per-node handle)
 */
public final class ClusterNode<A> {

    private final int index;
    private final Node node;
    private final Supplier<NodeStats> liveStats;
    private final A app;
    private final PeerAddress address;
    private final long spawnedAtMs;
    private volatile NodeStats finalStats;

    ClusterNode(int index, Node node, A app, PeerAddress address, long spawnedAtMs) {
        this(index, Objects.requireNonNull(node, "node"), node::stats, app, address, spawnedAtMs);
    }

    /**
     * A node in another process: no {@link Node} here, only its application handle and the traffic counters it
     * last reported.
     *
     * @param liveStats its latest counters, read whenever {@link #stats()} is asked while it runs
     */
    public ClusterNode(int index, Supplier<NodeStats> liveStats, A app, PeerAddress address, long spawnedAtMs) {
        this(index, null, liveStats, app, address, spawnedAtMs);
    }

    private ClusterNode(int index, Node node, Supplier<NodeStats> liveStats, A app, PeerAddress address,
                        long spawnedAtMs) {
        this.index = index;
        this.node = node;
        this.liveStats = Objects.requireNonNull(liveStats, "liveStats");
        this.app = app;
        this.address = Objects.requireNonNull(address, "address");
        this.spawnedAtMs = spawnedAtMs;
    }

    /** Position in the order of spawning within its cluster, from 0. */
    public int index() {
        return index;
    }

    /**
     * The node's API, as the application on it sees it.
     *
     * @throws IllegalStateException if the node runs in another process, where only {@link #app()} reaches it
     */
    public Node node() {
        if (node == null) {
            throw new IllegalStateException(this + " runs in another process: reach it through its app");
        }
        return node;
    }

    /** The application the cluster's installer put on this node. */
    public A app() {
        return app;
    }

    /** Where other nodes reach it. */
    public PeerAddress address() {
        return address;
    }

    /** Its peer id. */
    public PeerId id() {
        return address.id();
    }

    /** Cluster time ({@link Cluster#nowMs()}) at which it was spawned; churn spares nodes younger than a grace period. */
    public long spawnedAtMs() {
        return spawnedAtMs;
    }

    /** Whether it is still running, i.e. not killed. */
    public boolean alive() {
        return finalStats == null;
    }

    /** Its traffic counters: live while it runs, frozen at the moment it was killed. */
    public NodeStats stats() {
        NodeStats frozen = finalStats;
        return frozen != null ? frozen : liveStats.get();
    }

    /** Marks it dead, keeping its last counters; clusters in other packages (processes) call it too. */
    public void died(NodeStats last) {
        finalStats = Objects.requireNonNull(last, "last");
    }

    @Override
    public String toString() {
        return "ClusterNode[" + index + " " + address.id().shortForm() + (alive() ? "" : " dead") + "]";
    }
}
