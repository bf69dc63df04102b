package network.butter.sim;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import network.butter.api.Limits;
import network.butter.api.Node;
import network.butter.env.PathKind;
import network.butter.identity.HostPort;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;

/**
 * A deterministic discrete-event simulation of a Butter network: the real node runtime, in virtual time, on an
 * emulated network with configurable faults.
 *
 * <pre>{@code
 * Simulation sim = Simulation.builder().seed(42).build();
 * SimNode bob = sim.spawn(node -> node.handle("echo", req -> Reply.of(req.payload())));
 * SimNode alice = sim.spawn();
 * Reply reply = sim.await(alice.node().request(bob.address(), "echo", "hi"), Duration.ofSeconds(1));
 * }</pre>
 *
 * <p>Nodes can sit behind home routers ({@link HomeLan}): put a share of them there with a {@link NatPlan}, or place
 * them yourself:
 *
 * <pre>{@code
 * Simulation sim = Simulation.builder().seed(42).nat(new NatPlan(0.7, 0.5, 0.25, 2)).build(); // 70 % behind NATs
 * HomeLan home = sim.homeLan(RouterKind.portRestricted().withPortMapping());
 * SimNode carol = sim.spawnBehind(home, node -> { });   // 192.168.L.2, reachable from outside only as the model allows
 * }</pre>
 *
 * <p>Everything random (keys, latencies, losses, each node's PRNG) derives from the one seed, and events run in
 * a total order (due time, then scheduling order), so a seed and a scenario give the same run every time;
 * {@link #traceHash()} fingerprints it. The simulation is single-threaded: drive it from one thread, and let
 * simulated applications use the asynchronous API only (a blocking call inside a handler would wait forever).
 */
public final class Simulation {

    /** The port every simulated node listens on. */
    public static final int LISTEN_PORT = 7000;

    /** Where a check of reachability dials from: a public address (TEST-NET-1) no node has ever talked to. */
    static final HostPort OUTSIDE_VANTAGE = new HostPort("192.0.2.1", 1);

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    /** Mixed into the seed for the NAT plan's random stream. */
    private static final long NAT_STREAM = 0x4E41_5450_4C41_4E53L;
    /** Mixed into the seed for the stream of node keys. */
    private static final long IDENTITY_STREAM = 0x4944_454E_5449_5459L;
    private static final int FIRST_EPHEMERAL_PORT = 49_152;

    private final long seed;
    private final SplittableRandom random;
    private final Limits defaultLimits;
    private final int hostsPerSubnet;
    private final NatPlan natPlan;
    private final boolean forgetDeadNodes;
    /** The NAT plan's own draws, apart from the main stream so that a plan without NATs changes nothing. */
    private final SplittableRandom natRandom;
    /** Node keys from their own stream, made ahead of need on another thread; null when they come from the main one. */
    private final IdentityMint identities;
    private final List<HomeLan> homeLans = new ArrayList<>();
    private final Map<String, HomeLan> homeLanByIp = new HashMap<>();
    private HomeLan filling;
    private final EnumMap<PathKind, Long> connectionsOpened = new EnumMap<>(PathKind.class);
    private long relayedBytes;
    private int nextEphemeralPort = FIRST_EPHEMERAL_PORT;
    private final EventQueue queue = new EventQueue();
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<PeerId, SimNode> byId = new HashMap<>();
    private final Map<HostPort, SimNode> byAddress = new HashMap<>();
    /** When the last frame on each link with frames in flight arrives, so frames on a link keep their order. */
    private final LinkClocks linkClocks = new LinkClocks();
    private final Set<Long> blockedLinks = new HashSet<>();
    private final Map<SimNode, Integer> partitionGroup = new HashMap<>();
    private Faults faults;
    private long nowMs;
    private long eventsRun;
    private long trace = FNV_OFFSET;
    private long sent;
    private long delivered;
    private long lost;
    private long blocked;
    private long duplicated;
    private long refused;
    private long vanished;

    private Simulation(long seed, Faults faults, Limits defaultLimits, int hostsPerSubnet, NatPlan natPlan,
                       boolean forgetDeadNodes, boolean makeKeysAhead) {
        this.seed = seed;
        this.forgetDeadNodes = forgetDeadNodes;
        this.hostsPerSubnet = hostsPerSubnet;
        this.natPlan = natPlan;
        this.natRandom = new SplittableRandom(seed ^ NAT_STREAM);
        this.identities = makeKeysAhead ? new IdentityMint(seed ^ IDENTITY_STREAM) : null;
        this.random = new SplittableRandom(seed);
        this.faults = faults;
        this.defaultLimits = defaultLimits;
    }

    /** A builder with seed 0, {@link Faults#lan()} and default limits. */
    public static Builder builder() {
        return new Builder();
    }

    /** The seed this simulation derives all its randomness from; print it when a test fails. */
    public long seed() {
        return seed;
    }

    /** The current virtual time, in milliseconds since the start. */
    public long nowMs() {
        return nowMs;
    }

    /** The next node's key: from the key stream when keys are made ahead, else from the main stream. */
    private NodeIdentity nextIdentity() {
        return identities != null ? identities.next() : NodeIdentity.generate(new SeededEntropy(random.nextLong()));
    }

    /** Passes over the next node's key, wherever keys come from. */
    private void skipIdentity() {
        if (identities != null) {
            identities.skip();
        } else {
            random.nextLong();
        }
    }

    /** Whether a node that crashes or vanishes lets go of its runtime at once and can never restart. */
    boolean forgetsDeadNodes() {
        return forgetDeadNodes;
    }

    /** Events run so far. */
    public long eventsRun() {
        return eventsRun;
    }

    /**
     * A fingerprint of the run so far: every delivered message (time, sender, receiver, bytes), every drop and
     * every crash or restart. Two runs with the same seed and scenario have the same hash.
     */
    public long traceHash() {
        return trace;
    }

    /** What the emulated network has done so far. */
    public NetworkStats networkStats() {
        return new NetworkStats(sent, delivered, lost, blocked, duplicated, refused, vanished,
            connectionsOpened.getOrDefault(PathKind.DIRECT, 0L), connectionsOpened.getOrDefault(PathKind.PUNCHED, 0L),
            connectionsOpened.getOrDefault(PathKind.RELAYED, 0L), relayedBytes);
    }

    /**
     * The connections open now between running nodes, by how they were made, each counted once: how many peer pairs
     * talk directly, through a punched hole, or through a relay.
     */
    public Map<PathKind, Long> openConnections() {
        EnumMap<PathKind, Long> counts = new EnumMap<>(PathKind.class);
        for (PathKind kind : PathKind.values()) {
            counts.put(kind, 0L);
        }
        for (SimNode node : nodes) {
            if (!node.running()) {
                continue;
            }
            for (Link link : node.transport().links()) {
                SimNode peer = link.peer();
                if (peer.index() > node.index() && peer.running() && peer.incarnation() == link.peerIncarnation()) {
                    counts.merge(link.kind(), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    // ---- nodes ----

    // ---- home LANs ----

    /**
     * Adds a home LAN behind a router of {@code kind}, for {@link #spawnBehind}. LANs the {@link NatPlan} creates are
     * made the same way.
     */
    public HomeLan homeLan(RouterKind kind) {
        Objects.requireNonNull(kind, "kind");
        HomeLan lan = new HomeLan(this, homeLans.size(), kind);
        homeLans.add(lan);
        homeLanByIp.put(lan.publicIp(), lan);
        mix(("lan " + lan.index() + " " + kind.label()).hashCode());
        return lan;
    }

    /** Every home LAN, in order of creation. */
    public List<HomeLan> homeLans() {
        return List.copyOf(homeLans);
    }

    /** Spawns a running node inside {@code lan}, with default limits, set up by {@code setup}. */
    public SimNode spawnBehind(HomeLan lan, Consumer<Node> setup) {
        Objects.requireNonNull(setup, "setup");
        return spawnBehind(lan, defaultLimits, (self, node) -> setup.accept(node));
    }

    /** Spawns a running node inside {@code lan}, with the given limits, set up by {@code setup}. */
    public SimNode spawnBehind(HomeLan lan, Limits limits, SimNode.Setup setup) {
        Objects.requireNonNull(lan, "lan");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(setup, "setup");
        if (homeLans.size() <= lan.index() || homeLans.get(lan.index()) != lan) {
            throw new IllegalArgumentException(lan + " belongs to another simulation");
        }
        NodeIdentity identity = nextIdentity();
        return spawn(identity, limits, setup, lan);
    }

    /** Where the NAT plan puts the next node spawned without a LAN of its own: null for the public internet. */
    private HomeLan place() {
        if (!natPlan.active() || natRandom.nextDouble() >= natPlan.behindNat()) {
            return null;
        }
        if (filling == null || filling.size() >= natPlan.nodesPerLan()) {
            RouterKind kind = natRandom.nextDouble() < natPlan.symmetricShare()
                ? RouterKind.symmetric() : RouterKind.portRestricted();
            filling = homeLan(natRandom.nextDouble() < natPlan.portMappingShare() ? kind.withPortMapping() : kind);
        }
        return filling;
    }

    /**
     * Who takes a dial from {@code source}, outside every home LAN, to {@code address}: a public node, or whoever the
     * router at a public address lets it through to; null if the dial meets silence.
     */
    SimNode answerFromOutside(HostPort address, HostPort source) {
        SimNode host = byAddress.get(address);
        if (host != null) {
            return host;
        }
        HomeLan lan = homeLanByIp.get(address.host());
        return lan == null ? null : lan.accept(address.port(), source);
    }

    /** Whether any node may be behind a NAT: then a dial to an address nobody has meets silence, not a refusal. */
    boolean natModelled() {
        return !homeLans.isEmpty();
    }

    /** A fresh source port for a dial from a public node that does not come from its listening port. */
    int ephemeralPort() {
        int port = nextEphemeralPort;
        nextEphemeralPort = port == 65_535 ? FIRST_EPHEMERAL_PORT : port + 1;
        return port;
    }

    void countConnection(PathKind kind) {
        connectionsOpened.merge(kind, 1L, Long::sum);
    }

    void countRelayed(int bytes) {
        relayedBytes += bytes;
    }

    // ---- nodes ----

    /** Spawns a running node with default limits and no routes. */
    public SimNode spawn() {
        return spawn(defaultLimits, node -> { });
    }

    /** Spawns a running node with default limits, set up by {@code setup} (also on every restart). */
    public SimNode spawn(Consumer<Node> setup) {
        return spawn(defaultLimits, setup);
    }

    /** Spawns a running node with the given limits, set up by {@code setup} (also on every restart). */
    public SimNode spawn(Limits limits, Consumer<Node> setup) {
        Objects.requireNonNull(setup, "setup");
        return spawn(limits, (self, node) -> setup.accept(node));
    }

    /**
     * Spawns a running node with the given limits, set up by {@code setup} (also on every restart), which also
     * gets the simulated node itself, e.g. to install discovery on its {@link SimNode#multicast()}.
     */
    public SimNode spawn(Limits limits, SimNode.Setup setup) {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(setup, "setup");
        NodeIdentity identity = nextIdentity();
        return spawn(identity, limits, setup);
    }

    /**
     * Spawns a running node with default limits and an identity of the caller's choosing, e.g. one ground to a
     * high peer id to play a Sybil attacker. It takes the place of the next key the simulation would have made and
     * draws from its randomness exactly as {@link #spawn(Consumer)} does, so the rest of the run sees the same keys
     * and the same random stream either way.
     *
     * @throws IllegalArgumentException if a node with this identity was spawned already
     */
    public SimNode spawn(NodeIdentity identity, Consumer<Node> setup) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(setup, "setup");
        if (byId.containsKey(identity.peerId())) {
            throw new IllegalArgumentException("a node with id " + identity.peerId().shortForm() + " exists already");
        }
        skipIdentity(); // the key this node would have had, so the other nodes' keys stay the same
        return spawn(identity, defaultLimits, (self, node) -> setup.accept(node));
    }

    private SimNode spawn(NodeIdentity identity, Limits limits, SimNode.Setup setup) {
        return spawn(identity, limits, setup, place());
    }

    private SimNode spawn(NodeIdentity identity, Limits limits, SimNode.Setup setup, HomeLan lan) {
        int index = nodes.size();
        String host = lan == null ? syntheticHost(index, hostsPerSubnet) : lan.nextPrivateIp();
        PeerAddress address = new PeerAddress(identity.peerId(), host, LISTEN_PORT);
        SimNode node = new SimNode(this, index, identity, address, limits, setup, lan);
        nodes.add(node);
        byId.put(identity.peerId(), node);
        if (lan == null) {
            byAddress.put(address.hostPort(), node);
        } else {
            lan.add(host, node);
        }
        recordLifecycle(node, "spawn");
        node.boot(random.nextLong());
        return node;
    }

    /** 10.a.b.c: node {@code index} is host c of subnet (a, b), with {@code perSubnet} hosts per /24 subnet. */
    private static String syntheticHost(int index, int perSubnet) {
        int subnet = index / perSubnet;
        return "10." + (subnet >>> 8 & 0xFF) + "." + (subnet & 0xFF) + "." + (index % perSubnet + 1);
    }

    /** Every node ever spawned, running or not, in spawning order. */
    public List<SimNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The nodes running now, in spawning order. */
    public List<SimNode> running() {
        List<SimNode> result = new ArrayList<>();
        for (SimNode node : nodes) {
            if (node.running()) {
                result.add(node);
            }
        }
        return result;
    }

    SimNode node(PeerId id) {
        return byId.get(id);
    }

    SimNode node(HostPort address) {
        return byAddress.get(address);
    }

    long nextSeed() {
        return random.nextLong();
    }

    // ---- time ----

    /** Runs every event due within the next {@code duration} of virtual time. */
    public void runFor(Duration duration) {
        runUntil(nowMs + duration.toMillis());
    }

    /** Runs every event due up to virtual time {@code targetMs}, then sets the clock to it. */
    public void runUntil(long targetMs) {
        while (!queue.isEmpty() && queue.peekDueMs() <= targetMs) {
            runNext();
        }
        nowMs = Math.max(nowMs, targetMs);
    }

    /**
     * Runs events until {@code condition} holds or {@code limit} of virtual time has passed.
     *
     * @return whether the condition holds
     */
    public boolean runUntil(BooleanSupplier condition, Duration limit) {
        long deadline = nowMs + limit.toMillis();
        while (!condition.getAsBoolean()) {
            if (queue.isEmpty() || queue.peekDueMs() > deadline) {
                nowMs = Math.max(nowMs, deadline);
                return condition.getAsBoolean();
            }
            runNext();
        }
        return true;
    }

    /**
     * Runs the simulation until {@code future} completes, at most {@code limit} of virtual time.
     *
     * @return its value
     * @throws CompletionException  with the cause if it failed
     * @throws IllegalStateException if it did not complete within the limit
     */
    public <T> T await(CompletableFuture<T> future, Duration limit) {
        if (!runUntil(future::isDone, limit)) {
            throw new IllegalStateException("not done within " + limit + " of virtual time (seed " + seed + ")");
        }
        return future.join();
    }

    private void runNext() {
        Event event = queue.poll();
        nowMs = Math.max(nowMs, event.dueMs);
        if (event.live()) {
            eventsRun++;
            event.run();
        }
    }

    Event schedule(SimNode owner, int incarnation, long delayMs, Runnable action) {
        Event event = new Event(nowMs + Math.max(0, delayMs) + owner.loopLagMs(), owner, incarnation, action);
        queue.add(event);
        return event;
    }

    // ---- network ----

    /** Replaces the message-level faults from now on. */
    public void faults(Faults value) {
        this.faults = Objects.requireNonNull(value, "faults");
    }

    /** The message-level faults in force. */
    public Faults faults() {
        return faults;
    }

    /** Drops every message between {@code a} and {@code b}, both ways, until {@link #unblock}. */
    public void block(SimNode a, SimNode b) {
        blockedLinks.add(linkKey(a, b));
        blockedLinks.add(linkKey(b, a));
    }

    /** Lets messages between {@code a} and {@code b} through again. */
    public void unblock(SimNode a, SimNode b) {
        blockedLinks.remove(linkKey(a, b));
        blockedLinks.remove(linkKey(b, a));
    }

    /**
     * Splits the network: messages between nodes of different groups are dropped until {@link #heal()}. Nodes in
     * no group (including those spawned later) form one more group together.
     */
    @SafeVarargs
    public final void partition(Collection<SimNode>... groups) {
        partitionGroup.clear();
        for (int g = 0; g < groups.length; g++) {
            for (SimNode node : groups[g]) {
                partitionGroup.put(node, g + 1);
            }
        }
        mix("partition".hashCode());
    }

    /** Ends a partition. */
    public void heal() {
        partitionGroup.clear();
        mix("heal".hashCode());
    }

    /** The one-way latency to use for control events (e.g. a crash noticed by peers): one sample. */
    long latency() {
        return faults.latency().sample(random);
    }

    void countRefused() {
        refused++;
    }

    /** A frame or dial went to a node that died silently: it vanishes, and the trace records it. */
    void countVanished() {
        vanished++;
        mix(-3);
    }

    /** Carries a datagram to one member of the sender's LAN segment through the faults. */
    void transmitDatagram(SimNode from, SimNode to, byte[] bytes) {
        SimMulticast target = to.multicast();
        transmit(from, to, bytes, () -> target.receive(from, bytes));
    }

    /** Nodes running on a LAN segment, in spawning order. */
    List<SimNode> segmentMembers(int segment) {
        List<SimNode> members = new ArrayList<>();
        for (SimNode node : nodes) {
            if (node.running() && node.segment() == segment) {
                members.add(node);
            }
        }
        return members;
    }

    /**
     * Carries bytes from one node to another through the faults, in order per link, and runs {@code deliver} on the
     * receiving incarnation when they arrive.
     */
    void transmit(SimNode from, SimNode to, byte[] bytes, Runnable deliver) {
        transmit(from, to, bytes, deliver, null, null);
    }

    /**
     * Carries a frame's bytes from one node to another like {@link #transmit(SimNode, SimNode, byte[], Runnable)},
     * and hands them to {@code receiver} as sent by {@code sender} when they arrive: the path of nearly every frame,
     * with no closure to allocate.
     */
    void transmitFrame(SimNode from, SimNode to, byte[] bytes, SimTransport receiver, PeerAddress sender) {
        transmit(from, to, bytes, null, receiver, sender);
    }

    private void transmit(SimNode from, SimNode to, byte[] bytes, Runnable deliver, SimTransport receiver,
                          PeerAddress sender) {
        sent++;
        long link = linkKey(from, to);
        if (!blockedLinks.isEmpty() && blockedLinks.contains(link)
            || !partitionGroup.isEmpty()
            && partitionGroup.getOrDefault(from, 0).intValue() != partitionGroup.getOrDefault(to, 0).intValue()) {
            blocked++;
            mix(-1);
            return;
        }
        if (faults.lossProbability() > 0 && random.nextDouble() < faults.lossProbability()) {
            lost++;
            mix(-2);
            return;
        }
        int copies = faults.duplicationProbability() > 0 && random.nextDouble() < faults.duplicationProbability() ? 2 : 1;
        for (int copy = 0; copy < copies; copy++) {
            long due = Math.max(nowMs + faults.latency().sample(random), linkClocks.get(link, 0L));
            linkClocks.put(link, due);
            linkClocks.sweep(nowMs);
            if (copy == 1) {
                duplicated++;
            }
            queue.add(new Arrival(due + to.loopLagMs(), from, to, bytes, deliver, receiver, sender));
        }
    }

    /**
     * Bytes arriving at a node: counted, mixed into the trace, then delivered; one object per frame in flight where a
     * closure and an event were two.
     */
    private final class Arrival extends Event {
        private final SimNode from;
        private final byte[] bytes;
        /** What to run on arrival, or null to hand the bytes to {@link #receiver}. */
        private final Runnable deliver;
        private final SimTransport receiver;
        private final PeerAddress sender;

        Arrival(long dueMs, SimNode from, SimNode to, byte[] bytes, Runnable deliver, SimTransport receiver,
                PeerAddress sender) {
            super(dueMs, to, to.incarnation(), null);
            this.from = from;
            this.bytes = bytes;
            this.deliver = deliver;
            this.receiver = receiver;
            this.sender = sender;
        }

        @Override
        void run() {
            delivered++;
            mix(nowMs);
            mix(((long) from.index() << 32) | owner.index());
            mixBytes(bytes);
            if (deliver != null) {
                deliver.run();
            } else {
                receiver.receive(sender, bytes);
            }
        }
    }

    /**
     * A link's key: both node indexes, multiplied by an odd constant (a bijection, so keys stay unique) because
     * {@link Long#hashCode()} folds the halves together and raw pairs of small indexes would crowd into few buckets.
     */
    private static long linkKey(SimNode from, SimNode to) {
        return (((long) from.index() << 32) | (to.index() & 0xFFFF_FFFFL)) * 0x9E37_79B9_7F4A_7C15L;
    }

    void recordLifecycle(SimNode node, String what) {
        mix(nowMs);
        mix(node.index());
        mixBytes(what.getBytes(StandardCharsets.US_ASCII));
    }

    private void mix(long value) {
        for (int i = 0; i < 8; i++) {
            trace = (trace ^ (value >>> (8 * i) & 0xFF)) * FNV_PRIME;
        }
    }

    private void mixBytes(byte[] bytes) {
        for (byte b : bytes) {
            trace = (trace ^ (b & 0xFF)) * FNV_PRIME;
        }
    }

    /** Configures a {@link Simulation}. */
    public static final class Builder {
        private long seed;
        private Faults faults = Faults.lan();
        private Limits limits = Limits.defaults();
        private int hostsPerSubnet = 254;
        private NatPlan nat = NatPlan.none();
        private boolean forgetDeadNodes;
        private boolean makeKeysAhead;

        Builder() {
        }

        /**
         * Whether node keys come from a stream of their own and are made ahead of need on a helper thread (default
         * false: each from the main random stream when its node spawns). An Ed25519 key pair costs about half a
         * millisecond, minutes of a 100,000-node run; made ahead, the machine's second core pays it. Either way the
         * keys follow from the seed alone, but they are other keys: a seed gives another network, so another trace.
         */
        public Builder makeKeysAhead(boolean value) {
            this.makeKeysAhead = value;
            return this;
        }

        /**
         * Whether a node that crashes or vanishes drops its runtime (protocol state, stores, routes) at once, so the
         * simulation holds the live nodes only (default false). Such a node can never {@link SimNode#restart()}, and
         * its {@link SimNode#node()} and {@link SimNode#multicast()} are null from then on: for churn runs that
         * replace the dead with fresh nodes, where 100,000 nodes dying at 1/50 per second would otherwise keep
         * more dead nodes than live ones in memory.
         */
        public Builder forgetDeadNodes(boolean value) {
            this.forgetDeadNodes = value;
            return this;
        }

        /**
         * How many nodes share one /24 subnet in the synthetic addresses (1–254, default 254): fewer per subnet
         * spreads nodes over more subnets, which diversity-aware protocols can tell apart.
         */
        public Builder hostsPerSubnet(int value) {
            if (value < 1 || value > 254) {
                throw new IllegalArgumentException("hostsPerSubnet must be 1-254, got " + value);
            }
            this.hostsPerSubnet = value;
            return this;
        }

        /**
         * Where spawned nodes go: the public internet or home LANs behind routers (default {@link NatPlan#none()}:
         * all public). Nodes can also be put in a LAN of the caller's making with {@link Simulation#spawnBehind}.
         */
        public Builder nat(NatPlan value) {
            this.nat = Objects.requireNonNull(value, "nat");
            return this;
        }

        /** The seed all randomness derives from. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** The message-level faults at the start. */
        public Builder faults(Faults value) {
            this.faults = Objects.requireNonNull(value, "faults");
            return this;
        }

        /** Limits for nodes spawned without their own. */
        public Builder limits(Limits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /** The simulation, at virtual time 0 with no nodes. */
        public Simulation build() {
            return new Simulation(seed, faults, limits, hostsPerSubnet, nat, forgetDeadNodes, makeKeysAhead);
        }
    }
}
