package network.butter.testbed;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A set of nodes a scenario drives, whatever they run on: the one scenario API of the testbed. A scenario
 * written against it runs unchanged on simulated nodes in virtual time ({@link SimCluster}) and on real nodes
 * on loopback ({@link RealCluster}), so results of the two modes can be compared.
 *
 * <p>Every node is spawned with the cluster's application installed (its installer runs before the node can
 * serve, so peers never see a half-installed node). Drive a cluster from one thread.
 *
 * @param <A> what the installer returns per node, e.g. the data protocol's handle
 */
public interface Cluster<A> extends AutoCloseable {

    /** Which implementation this is. */
    Mode mode();

    /** Starts a node with the application installed, and returns it once it can serve. */
    ClusterNode<A> spawn();

    /** Kills a node abruptly (a crash, not a goodbye). Killing a dead node does nothing. */
    void kill(ClusterNode<A> node);

    /** The nodes alive now, in spawning order. */
    List<ClusterNode<A>> alive();

    /** Cluster time, in milliseconds since the cluster was created: virtual in a simulation, wall clock otherwise. */
    long nowMs();

    /**
     * Lets the cluster run until {@code targetMs} of cluster time: runs simulated events, or waits on the wall
     * clock. A target in the past returns at once.
     */
    void advanceTo(long targetMs);

    /** Lets the cluster run for {@code duration}. */
    default void advance(Duration duration) {
        advanceTo(nowMs() + duration.toMillis());
    }

    /**
     * Lets the cluster run until {@code future} completes, for at most {@code limit} of cluster time.
     *
     * @return its value
     * @throws CompletionException   with the cause, if it failed
     * @throws IllegalStateException if it did not complete within the limit
     */
    <T> T await(CompletableFuture<T> future, Duration limit);

    /** The network faults this cluster can inject, or empty if it has none (real nodes). */
    Optional<NetworkFaults<A>> faults();

    /**
     * A fingerprint of everything that happened so far, equal for two runs with the same seed and scenario; empty
     * when runs are not reproducible (real nodes).
     */
    OptionalLong traceHash();

    /** Whether {@code node} sits in a home LAN behind a NAT (simulated runs with a NAT plan only). */
    default boolean behindNat(ClusterNode<A> node) {
        return false;
    }

    /**
     * Connections opened so far, by how they were made (direct, punched, relayed); {@link PathCounts#NONE} for a
     * cluster that does not count them (real nodes).
     */
    default PathCounts paths() {
        return PathCounts.NONE;
    }

    /**
     * How many nodes alive now a node outside every home LAN could reach at the address they give (directly or
     * through their relay), or -1 if the cluster cannot tell (real nodes).
     */
    default int reachable() {
        return -1;
    }

    /**
     * How many hosts {@code node} has on its known-host list now, or empty if the cluster does not say (simulated
     * runs, which form in virtual time and need no readiness wait). Real runs wait for these lists to fill before
     * storing ({@link Readiness}).
     */
    default OptionalInt knownHosts(ClusterNode<A> node) {
        return OptionalInt.empty();
    }

    /**
     * Figures of the cluster itself for the run's summary, by name in the order to print them (e.g. processes
     * started and restarts of a process run); none by default.
     */
    default java.util.Map<String, String> figures() {
        return java.util.Map.of();
    }

    /** Stops every node still alive. Closing twice is harmless. */
    @Override
    void close();
}
