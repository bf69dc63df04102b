package network.butter.testbed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import network.butter.api.Node;
import network.butter.identity.NodeIdentity;
import network.butter.sim.NetworkStats;
import network.butter.sim.SimNode;
import network.butter.sim.Simulation;

/**
 * A {@link Cluster} of simulated nodes: the real node runtime in the virtual time of a {@link Simulation}.
 * {@link #advanceTo} runs simulated events instead of waiting, so a 30-second churn takes a fraction of a second,
 * and a seed gives the same run every time. Killing a node crashes it: its timers and messages vanish and its
 * peers see the connection reset; {@link #vanish} kills it silently instead, its links going dark.
 *
 * <p>The installed application must use the asynchronous API only: the simulation is single-threaded, so a
 * blocking call inside it would wait forever.
 *
 * @param <A> what the installer returns per node
 */
public final class SimCluster<A> implements Cluster<A>, NetworkFaults<A> {

    private final Simulation simulation;
    private final Function<Node, A> installer;
    private final Map<ClusterNode<A>, SimNode> alive = new LinkedHashMap<>();
    private int spawned;

    /**
     * Wraps a simulation; nodes appear as the scenario spawns them.
     *
     * @param simulation the simulation to spawn nodes in; the cluster drives its clock
     * @param installer  puts the application on each new node (registers routes) and returns its handle
     */
    public SimCluster(Simulation simulation, Function<Node, A> installer) {
        this.simulation = Objects.requireNonNull(simulation, "simulation");
        this.installer = Objects.requireNonNull(installer, "installer");
    }

    /** The simulation underneath, for what the scenario API does not cover (e.g. {@code networkStats()}). */
    public Simulation simulation() {
        return simulation;
    }

    @Override
    public Mode mode() {
        return Mode.SIM;
    }

    @Override
    public ClusterNode<A> spawn() {
        List<A> installed = new ArrayList<>(1);
        SimNode simNode = simulation.spawn(node -> installed.add(installer.apply(node)));
        ClusterNode<A> node = new ClusterNode<>(spawned++, simNode.node(), installed.getFirst(), simNode.address(),
            simulation.nowMs());
        alive.put(node, simNode);
        return node;
    }

    /**
     * Spawns a node with another installer than the cluster's, e.g. a malicious one, and optionally a chosen
     * identity (a ground Sybil id); it draws from the simulation's randomness as {@link #spawn()} does.
     *
     * @param identity  the node's identity, or null for one from the simulation's seed
     * @param installer puts the application on the node
     */
    public ClusterNode<A> spawn(NodeIdentity identity, Function<Node, A> installer) {
        Objects.requireNonNull(installer, "installer");
        List<A> installed = new ArrayList<>(1);
        Consumer<Node> setup = node -> installed.add(installer.apply(node));
        SimNode simNode = identity == null ? simulation.spawn(setup) : simulation.spawn(identity, setup);
        ClusterNode<A> node = new ClusterNode<>(spawned++, simNode.node(), installed.getFirst(), simNode.address(),
            simulation.nowMs());
        alive.put(node, simNode);
        return node;
    }

    @Override
    public void kill(ClusterNode<A> node) {
        SimNode simNode = alive.remove(node);
        if (simNode != null) {
            node.died(node.node().stats());
            simNode.crash();
        }
    }

    @Override
    public void vanish(ClusterNode<A> node) {
        SimNode simNode = alive.remove(node);
        if (simNode != null) {
            node.died(node.node().stats());
            simNode.vanish();
        }
    }

    @Override
    public List<ClusterNode<A>> alive() {
        return List.copyOf(alive.keySet());
    }

    @Override
    public long nowMs() {
        return simulation.nowMs();
    }

    @Override
    public void advanceTo(long targetMs) {
        simulation.runUntil(targetMs);
    }

    @Override
    public <T> T await(CompletableFuture<T> future, Duration limit) {
        return simulation.await(future, limit);
    }

    @Override
    public Optional<NetworkFaults<A>> faults() {
        return Optional.of(this);
    }

    @Override
    public OptionalLong traceHash() {
        return OptionalLong.of(simulation.traceHash());
    }

    @Override
    public boolean behindNat(ClusterNode<A> node) {
        SimNode simNode = alive.get(node);
        return simNode != null && simNode.behindNat();
    }

    /** Counts the nodes alive that {@link SimNode#reachableFromOutside()}. */
    @Override
    public int reachable() {
        int count = 0;
        for (SimNode simNode : alive.values()) {
            if (simNode.reachableFromOutside()) {
                count++;
            }
        }
        return count;
    }

    /** The simulated network's count of connections by path, and of relayed bytes. */
    @Override
    public PathCounts paths() {
        NetworkStats stats = simulation.networkStats();
        return new PathCounts(stats.directConnections(), stats.punchedConnections(), stats.relayedConnections(),
            stats.relayedBytes());
    }

    @Override
    public void partition(List<List<ClusterNode<A>>> groups) {
        List<Collection<SimNode>> simGroups = new ArrayList<>();
        for (List<ClusterNode<A>> group : groups) {
            List<SimNode> simGroup = new ArrayList<>();
            for (ClusterNode<A> node : group) {
                SimNode simNode = alive.get(node);
                if (simNode != null) {
                    simGroup.add(simNode);
                }
            }
            simGroups.add(simGroup);
        }
        simulation.partition(toArray(simGroups));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Collection<SimNode>[] toArray(List<Collection<SimNode>> groups) {
        return groups.toArray(new Collection[0]);
    }

    @Override
    public void heal() {
        simulation.heal();
    }

    @Override
    public void lossProbability(double probability) {
        simulation.faults(simulation.faults().withLoss(probability));
    }

    /** Crashes every node still alive: a simulation has nothing to release, but the nodes stop counting. */
    @Override
    public void close() {
        for (ClusterNode<A> node : List.copyOf(alive.keySet())) {
            kill(node);
        }
    }
}
