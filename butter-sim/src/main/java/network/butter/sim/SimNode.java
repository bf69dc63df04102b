package network.butter.sim;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import network.butter.api.Limits;
import network.butter.api.Node;
import network.butter.env.Environment;
import network.butter.env.PathKind;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.runtime.NodeRuntime;

/**
 * A simulated node: the real {@link NodeRuntime} on a simulated environment. It keeps its identity and address
 * across {@link #crash()} and {@link #restart()}; each restart is a new incarnation with fresh protocol state,
 * set up again by the same setup function (which registers routes and behaviours).
 */
public final class SimNode {

    private final Simulation simulation;
    private final int index;
    private final NodeIdentity identity;
    private final PeerAddress address;
    private final Limits limits;
    /** Sets the node up at each boot; dropped once the node is forgotten, with whatever its closure holds. */
    private Setup setup;
    /** The home LAN the node sits in, or null for a public node. */
    private final HomeLan lan;
    private final SimPortMapper portMapper;
    private int segment;
    private SimMulticast multicast;
    private int incarnation;
    private boolean running;
    /** Died silently ({@link #vanish()}): until a restart, frames and dials to it vanish instead of being refused. */
    private boolean dark;
    /** Incarnations that died silently: a peer still connected to one gets a reset once the node is back. */
    private final Set<Integer> silentIncarnations = new HashSet<>();
    private NodeRuntime runtime;
    private SimTransport transport;
    /** Died in a simulation that forgets dead nodes: its state is gone, it cannot restart. */
    private boolean forgotten;
    /** The plain direct link to this node's current incarnation, shared by every node connected to it that way. */
    private Link directLink;
    /** How far behind the node's loop runs: every task and every frame it receives is handled this much later. */
    private long loopLagMs;

    /** Sets a node up at each boot: routes, behaviours, protocols. */
    @FunctionalInterface
    public interface Setup {
        /**
         * @param self the simulated node (for its multicast port, its address, …)
         * @param node the node's API
         */
        void setUp(SimNode self, Node node);
    }

    SimNode(Simulation simulation, int index, NodeIdentity identity, PeerAddress address, Limits limits,
            Setup setup, HomeLan lan) {
        this.simulation = simulation;
        this.lan = lan;
        this.segment = lan == null ? 0 : -1 - lan.index();
        this.portMapper = lan != null && lan.kind().portMapping() ? new SimPortMapper(simulation, this, lan) : null;
        this.index = index;
        this.identity = identity;
        this.address = address;
        this.limits = limits;
        this.setup = setup;
    }

    /**
     * A plain direct connection to this node's current incarnation (no NAT endpoints, no circuit), as its peers hold
     * it: one shared record instead of one per connection end, since all of them are equal (10,000 nodes held
     * 1.7 million of them).
     */
    Link directLink() {
        if (directLink == null || directLink.peerIncarnation() != incarnation) {
            directLink = new Link(this, incarnation, PathKind.DIRECT, null, null, null);
        }
        return directLink;
    }

    /** Starts a new incarnation with fresh state and its own random stream. */
    void boot(long randomSeed) {
        incarnation++;
        dark = false;
        transport = new SimTransport(simulation, this, incarnation, limits.maxFrameBytes());
        multicast = new SimMulticast(simulation, this);
        SimLoop loop = new SimLoop(simulation, this, incarnation);
        runtime = new NodeRuntime(new Environment(loop, new SplittableRandom(randomSeed), loop, transport, identity::sign), limits);
        running = true;
        setup.setUp(this, runtime);
    }

    /** The node's API, as an application on it sees it; null once dead if the simulation forgets dead nodes. */
    public Node node() {
        return runtime;
    }

    /** The node's peer id; the same across restarts. */
    public PeerId id() {
        return identity.peerId();
    }

    /**
     * The node's address; the same across restarts. Behind a NAT it is a private address ({@link HomeLan}) only nodes
     * of the same LAN can dial, until the wider layer advertises one that works ({@code WiderTransport#advertise}).
     */
    public PeerAddress address() {
        return address;
    }

    /** Whether the node sits in a home LAN behind a router. */
    public boolean behindNat() {
        return lan != null;
    }

    /** The home LAN the node sits in; empty for a public node. */
    public Optional<HomeLan> homeLan() {
        return Optional.ofNullable(lan);
    }

    HomeLan lan() {
        return lan;
    }

    /**
     * The port mapper of the node's router (UPnP IGD / NAT-PMP), if it sits behind one that offers port mapping; what
     * the wider layer's port-mapping interface should be backed with in the simulator.
     */
    public Optional<SimPortMapper> portMapper() {
        return Optional.ofNullable(portMapper);
    }

    /**
     * Whether a node outside every home LAN could reach this one now at the address it gives ({@link Node#address()}):
     * directly (public, through a port mapping or a router that lets anyone in), or through the relay that address
     * names, which must be reachable itself, serve as a relay, hold a direct connection to this node and be accepted
     * by it. What the testbed reports as the share of reachable nodes; false when not running.
     */
    public boolean reachableFromOutside() {
        return running && transport.reachableFromOutside();
    }

    /** How frames to {@code peer} travel now (direct, punched or relayed), or empty if no connection to it is open. */
    public Optional<PathKind> path(PeerId peer) {
        return running ? transport.path(peer) : Optional.empty();
    }

    /**
     * This incarnation's port on the multicast group of its LAN segment, for {@code LanDiscovery}. Datagrams go
     * to the running nodes of the same segment, through the network's faults.
     */
    public SimMulticast multicast() {
        return multicast;
    }

    /**
     * The LAN segment the node is on: public nodes start on segment 0, nodes of a home LAN on one of its own (a
     * negative number), since multicast does not cross a router.
     */
    public int segment() {
        return segment;
    }

    /** Moves the node to another LAN segment, i.e. another multicast domain. */
    public void segment(int value) {
        this.segment = value;
    }

    /** Position in the order of spawning, from 0. */
    public int index() {
        return index;
    }

    /** Whether the node is running (not crashed, not shut down). */
    public boolean running() {
        return running;
    }

    /**
     * Kills the node at once: its pending timers and messages vanish, connected peers notice one latency later.
     * Idempotent.
     */
    public void crash() {
        if (running) {
            running = false;
            transport.disconnectAll("connection reset");
            incarnation++;
            simulation.recordLifecycle(this, "crash");
            forgetIfAsked();
        }
    }

    /**
     * Kills the node silently, as a power loss or a NAT dropping its state does on the internet: its pending
     * timers and messages vanish like in a {@link #crash()}, but nobody is told. Its links go dark: connected peers
     * get no reset, frames sent to it vanish, and dials to its address time out. Peers learn of the death only from
     * their own timeouts. Idempotent; a {@link #restart()} lights the links again.
     */
    public void vanish() {
        if (running) {
            running = false;
            dark = true;
            silentIncarnations.add(incarnation);
            incarnation++;
            simulation.recordLifecycle(this, "vanish");
            forgetIfAsked();
        }
    }

    /** Drops the dead incarnation's state when the simulation forgets dead nodes: nothing reaches it any more. */
    private void forgetIfAsked() {
        if (simulation.forgetsDeadNodes()) {
            transport.forget();
            runtime = null;
            multicast = null;
            // The setup function may hold what it installed (a testbed keeps the application it built): a forgotten
            // node never boots again, and the simulation lists every node it ever spawned.
            setup = null;
            forgotten = true;
        }
    }

    /** Whether the node died silently and has not restarted: what is sent to it vanishes. */
    public boolean dark() {
        return dark;
    }

    boolean diedSilently(int value) {
        return silentIncarnations.contains(value);
    }

    /**
     * Makes the node's loop run {@code lagMs} behind from now on, as on a host whose CPU is saturated: every task it
     * schedules (timers, hand-offs) and every frame it receives runs that much later than it is due, while the clock
     * it reads keeps real time. What a node sees on an overloaded machine: timers that fire late and answers that take
     * longer than the network explains. 0 (the default) ends the lag.
     *
     * @throws IllegalArgumentException if {@code lagMs} is negative
     */
    public void lagLoop(long lagMs) {
        if (lagMs < 0) {
            throw new IllegalArgumentException("lagMs must not be negative, got " + lagMs);
        }
        loopLagMs = lagMs;
        simulation.recordLifecycle(this, "lag " + lagMs);
    }

    /** How far behind the node's loop runs, in milliseconds (see {@link #lagLoop(long)}). */
    public long loopLagMs() {
        return loopLagMs;
    }

    /** Boots a crashed or shut-down node again, with the same identity. */
    public void restart() {
        if (running) {
            throw new IllegalStateException(this + " is running; crash or shut it down first");
        }
        if (forgotten) {
            throw new IllegalStateException(this + " died in a simulation that forgets dead nodes; it cannot restart");
        }
        simulation.recordLifecycle(this, "restart");
        boot(simulation.nextSeed());
    }

    /** Shuts the node down gracefully, like {@link Node#shutdown(Duration)}; it stops running when done. */
    public CompletableFuture<Void> shutdown(Duration grace) {
        return runtime.shutdown(grace).whenComplete((v, error) -> {
            running = false;
            incarnation++;
            simulation.recordLifecycle(this, "shutdown");
        });
    }

    int incarnation() {
        return incarnation;
    }

    boolean isIncarnation(int value) {
        return running && incarnation == value;
    }

    SimTransport transport() {
        return transport;
    }

    @Override
    public String toString() {
        return "SimNode[" + index + " " + identity.peerId().shortForm() + (running ? "" : " down") + "]";
    }
}
