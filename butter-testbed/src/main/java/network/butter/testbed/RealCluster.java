package network.butter.testbed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import network.butter.api.Limits;
import network.butter.hosts.KnownHostsConfig;
import network.butter.api.Node;
import network.butter.node.Butter;
import network.butter.node.ButterNode;

/**
 * A {@link Cluster} of real nodes in this JVM: real sockets, TLS and threads, all on {@value #HOST}. Time is the
 * wall clock, so {@link #advanceTo} waits. Killing a node shuts it down with no grace period, which closes its
 * connections at once, as near to a crash as a node in a shared JVM gets; a replacement is a new node with a
 * new identity and port.
 *
 * <p>Every wait here is bounded: closing waits at most {@link #STOP_LIMIT} for all nodes together.
 *
 * @param <A> what the installer returns per node
 */
public final class RealCluster<A> implements Cluster<A> {

    /** The only address real testbed nodes listen on and talk to. */
    public static final String HOST = "127.0.0.1";

    /** The longest the cluster waits for its nodes to stop when it closes. */
    public static final Duration STOP_LIMIT = Duration.ofSeconds(10);

    private final Function<Node, A> installer;
    /**
     * Longer than a testbed node's longest known-host poll interval (60 s: the first, 10 s, backed off up to six
     * times for a host that keeps answering) plus the poll's timeout, so that a poll never finds its connection
     * idled out. At 15 s (shorter than the backed-off intervals) every poll of a stable host opened a new TLS
     * connection: 200 nodes in 4 hosts spent three quarters of their CPU in handshakes, 3,600 per host timed out, and
     * 45 of 100 items could be stored.
     */
    static final Duration TESTBED_IDLE_TIMEOUT = Duration.ofSeconds(75);
    /** From connect to HELLO: generous, as hundreds of nodes share two cores while they start. */
    static final Duration TESTBED_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final Limits limits;
    private final long startNanos = System.nanoTime();
    private final Map<ClusterNode<A>, ButterNode> alive = new LinkedHashMap<>();
    private final List<CompletableFuture<Void>> stopping = new ArrayList<>();
    private int spawned;

    /**
     * Prepares an empty cluster; nodes start as the scenario spawns them.
     *
     * @param limits    limits of every node; a testbed node may talk to most of the cluster, so give it
     *                  enough connections (see {@link #testbedLimits(int)})
     * @param installer puts the application on each new node before it starts (registers routes; the node
     *                  has no id or address yet) and returns its handle
     */
    public RealCluster(Limits limits, Function<Node, A> installer) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.installer = Objects.requireNonNull(installer, "installer");
    }

    /**
     * Default limits with room for a connection to every other node of a cluster of {@code nodes}, counting both
     * ends of a loopback pair (a fresh node searching the network may contact all of it), and an idle timeout of
     * {@link #TESTBED_IDLE_TIMEOUT}: candidates a node polled once and did not admit would otherwise hold their
     * connection for the default five minutes, and hundreds of nodes in one JVM run out of file descriptors; but no
     * shorter than the longest poll interval, or polls pay a TLS handshake each.
     * Every node of the cluster dials from 127.0.0.1, so the caps per source address are lifted to the whole
     * budget, and handshakes get {@link #TESTBED_HANDSHAKE_TIMEOUT}.
     */
    public static Limits testbedLimits(int nodes) {
        return testbedLimits(Limits.defaults(), nodes);
    }

    /**
     * {@link #testbedLimits(int)} on top of {@code base} instead of the defaults: for nodes of a smaller memory
     * budget, as in process runs.
     */
    public static Limits testbedLimits(Limits base, int nodes) {
        Limits defaults = base;
        int connections = Math.max(defaults.maxConnections(), 2 * nodes + 16);
        int handshakes = Math.max(defaults.maxUnauthenticatedConnections(), connections);
        return defaults.withMaxConnections(connections)
            .withMaxInboundPerIp(connections)
            .withMaxUnauthenticatedConnections(handshakes)
            .withMaxUnauthenticatedPerIp(handshakes)
            .withHandshakeTimeout(TESTBED_HANDSHAKE_TIMEOUT)
            .withIdleTimeout(TESTBED_IDLE_TIMEOUT);
    }

    @Override
    public Mode mode() {
        return Mode.REAL;
    }

    /**
     * Known-host settings of testbed nodes: 16 hosts polled every 10 s with a 10 s timeout, samples of 4. A real
     * node's default (60 hosts, 3 s, samples of 16) would have hundreds of nodes in one JVM on a small machine hold
     * thousands of TLS connections and time their polls out while all of them start together; and every sampled
     * candidate is polled, each poll of a new host a TLS handshake, so samples of 16 made a joining wave of 100 nodes
     * ask for thousands of handshakes at once (500 nodes on two cores: every wave timed out).
     */
    public static KnownHostsConfig testbedKnownHosts(Limits limits) {
        return KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, limits.maxConnections())
            .withCapacity(16).withPolling(10_000, 10_000).withSampleSize(TESTBED_SAMPLE_SIZE);
    }

    /** Hosts in a testbed node's peer-exchange sample. */
    static final int TESTBED_SAMPLE_SIZE = 4;

    @Override
    public ClusterNode<A> spawn() {
        // No built-in storage: the installer brings the data protocol under test, with the scenario's settings.
        ButterNode butterNode = Butter.node(cfg -> cfg.host(HOST).port(0).limits(limits)
            .knownHosts(testbedKnownHosts(limits)).storage(false));
        A app = installer.apply(butterNode);
        try {
            butterNode.start();
        } catch (RuntimeException failed) {
            if (ClusterLimitException.isResourceLimit(failed)) {
                throw new ClusterLimitException("node " + spawned + " cannot start, this JVM has run out of a resource ("
                    + failed.getMessage() + ") with " + alive.size() + " nodes alive: run fewer nodes, or spread them "
                    + "over processes (--mode processes --nodes-per-process N)", failed);
            }
            throw failed;
        }
        ClusterNode<A> node = new ClusterNode<>(spawned++, butterNode, app, butterNode.address(), nowMs());
        alive.put(node, butterNode);
        return node;
    }

    /**
     * Starts an immediate shutdown and returns without waiting for it, as a crash gives no notice: the node
     * refuses new requests at once and drops its connections as soon as its loop gets to it. {@link #close()}
     * waits for the stragglers.
     */
    @Override
    public void kill(ClusterNode<A> node) {
        ButterNode butterNode = alive.remove(node);
        if (butterNode != null) {
            node.died(butterNode.stats());
            stopping.add(butterNode.shutdown(Duration.ZERO));
        }
    }

    @Override
    public List<ClusterNode<A>> alive() {
        return List.copyOf(alive.keySet());
    }

    @Override
    public long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Sleeps until the wall clock reaches {@code targetMs}; an interrupt ends the wait with an exception. */
    @Override
    public void advanceTo(long targetMs) {
        WallTime.sleep(targetMs - nowMs());
    }

    @Override
    public <T> T await(CompletableFuture<T> future, Duration limit) {
        return WallTime.await(future, limit);
    }

    /** The node's known-host list, read from its snapshot (safe from any thread); empty once it is dead. */
    @Override
    public OptionalInt knownHosts(ClusterNode<A> node) {
        ButterNode butterNode = alive.get(node);
        return butterNode == null ? OptionalInt.empty() : OptionalInt.of(butterNode.knownHosts().hosts().size());
    }

    /** Real loopback links cannot be split or degraded from here. */
    @Override
    public Optional<NetworkFaults<A>> faults() {
        return Optional.empty();
    }

    /** Real runs depend on thread scheduling, so they have no reproducible trace. */
    @Override
    public OptionalLong traceHash() {
        return OptionalLong.empty();
    }

    /**
     * Shuts every node still alive down together, with a short grace, and waits at most {@link #STOP_LIMIT} for
     * them and for the killed ones still stopping.
     */
    @Override
    public void close() {
        for (Map.Entry<ClusterNode<A>, ButterNode> entry : alive.entrySet()) {
            entry.getKey().died(entry.getValue().stats());
            stopping.add(entry.getValue().shutdown(Duration.ofMillis(100)));
        }
        alive.clear();
        CompletableFuture<Void> all = CompletableFuture.allOf(stopping.toArray(new CompletableFuture<?>[0]));
        stopping.clear();
        try {
            all.get(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // A node that fails to stop cleanly or in time is still no longer part of the cluster: move on.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
